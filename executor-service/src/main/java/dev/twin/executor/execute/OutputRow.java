package dev.twin.executor.execute;

/** The answer to one input row: the task head's logits and their arg-max. */
public record OutputRow(String requestId, String task, float[] logits, int predicted) {
}
