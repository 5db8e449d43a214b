package dev.twin.executor.weights;

/**
 * One slice of a tensor of a weight set being installed: {@code data[0]} is element {@code offset} of the flat
 * row-major tensor {@code tensor} of shape {@code shape}.
 */
public record Chunk(String key, String tensor, int[] shape, long offset, float[] data, boolean last) {
}
