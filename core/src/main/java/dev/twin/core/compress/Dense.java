package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/** A tensor kept as is (no compression, or rank ≤ 1 tensors such as biases and norms). */
public record Dense(FloatTensor tensor) implements CompressedTensor {

    public Dense {
        if (tensor == null) {
            throw new IllegalArgumentException("dense tensor is null");
        }
    }

    @Override
    public int[] shape() {
        return tensor.shape().clone();
    }

    /** A copy, so callers may modify it. */
    @Override
    public FloatTensor toDense() {
        return tensor.copy();
    }

    @Override
    public long storedBytes() {
        return 4L * tensor.numel();
    }
}
