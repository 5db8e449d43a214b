package dev.twin.executor.execute;

/** One input of a batch: the request it answers, the head to use and prod(inputShape) values. */
public record InputRow(String requestId, String task, float[] values) {
}
