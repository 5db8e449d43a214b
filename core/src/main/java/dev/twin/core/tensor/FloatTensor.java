package dev.twin.core.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order: the working form of every tensor in the engine
 * (all arithmetic is float32 whatever the storage dtype, TWIN-MERGING.md).
 */
public record FloatTensor(int[] shape, float[] data) {

    public FloatTensor {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
        }
    }

    public static FloatTensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return new FloatTensor(shape.clone(), new float[(int) n]);
    }

    public static FloatTensor of(int[] shape, float... data) {
        return new FloatTensor(shape.clone(), data);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    public int numel() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    /** Rows of the 2-D view: rank ≥ 3 tensors are viewed as [shape[0], prod(rest)] (TWIN-MERGING.md). */
    public int rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Columns of the 2-D view. */
    public int cols() {
        return colsOf(shape);
    }

    private static int colsOf(int[] shape) {
        if (shape.length <= 1) {
            return 1;
        }
        long c = 1;
        for (int i = 1; i < shape.length; i++) {
            c *= shape[i];
        }
        return (int) c;
    }

    /** Flat index of the first NaN or infinite value, or -1 when every value is finite. */
    public int indexOfNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    public FloatTensor copy() {
        return new FloatTensor(shape.clone(), data.clone());
    }

    public boolean sameShape(FloatTensor other) {
        return Arrays.equals(shape, other.shape);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + shapeString();
    }
}
