package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;
import java.util.Arrays;

/**
 * The kept entries of a tensor: flat row-major indices (strictly ascending) and their values; all others are 0.
 */
public record Sparse(int[] shape, int[] indices, float[] values) implements CompressedTensor {

    public Sparse {
        if (shape == null || indices == null || values == null) {
            throw new IllegalArgumentException("sparse tensor needs shape, indices and values");
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException("sparse tensor has " + indices.length + " indices but " + values.length + " values");
        }
        long numel = FloatTensor.numel(shape);
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= numel || (i > 0 && indices[i] <= indices[i - 1])) {
                throw new IllegalArgumentException("sparse index " + indices[i] + " at position " + i
                        + " is out of range [0, " + numel + ") or not strictly ascending");
            }
        }
        shape = shape.clone();
    }

    @Override
    public FloatTensor toDense() {
        FloatTensor t = FloatTensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < indices.length; i++) {
            d[indices[i]] = values[i];
        }
        return t;
    }

    @Override
    public long storedBytes() {
        return 4L * indices.length + 4L * values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sparse sp && Arrays.equals(shape, sp.shape) && Arrays.equals(indices, sp.indices)
                && Arrays.equals(values, sp.values);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(shape) * 31 + Arrays.hashCode(indices)) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Sparse" + Arrays.toString(shape) + "[" + indices.length + " kept]";
    }
}
