package dev.twin.executor.execute;

/** One input row of a batch: the request it answers and the head to use (its values are in the batch's block). */
public record InputRow(String requestId, String task) {
}
