package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/**
 * Compresses one exclusive-knowledge tensor vt (TWIN-MERGING.md, stage 1 step 3). Tensors of rank ≤ 1 stay
 * {@link Dense}; rank ≥ 3 tensors are treated through their 2-D view [shape[0], prod(rest)].
 */
public interface Compressor {

    /** The name used on the command line, e.g. {@code "svd"}. */
    String name();

    /**
     * @throws IllegalArgumentException when {@code o} lacks what this method needs or {@code v} holds NaN/∞
     */
    CompressedTensor compress(FloatTensor v, CompressOptions o);

    /**
     * Checks up front that {@code o} holds what this method needs, by the same checks a real compression makes
     * (on a small matrix), so a command fails before it loads any checkpoint.
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    default void check(CompressOptions o) {
        compress(FloatTensor.zeros(2, 2), o);
    }
}
