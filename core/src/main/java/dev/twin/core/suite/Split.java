package dev.twin.core.suite;

/**
 * A labelled data split: {@code x} holds n examples of {@code dim} floats each, row-major ([n, dim]), and
 * {@code y[i]} is the class of row i. The arrays are shared, not copied: treat them as read-only.
 */
public record Split(float[] x, int[] y, int n, int dim) {

    public Split {
        if (x == null || y == null) {
            throw new IllegalArgumentException("split needs both inputs and labels");
        }
        if (n < 0 || dim <= 0) {
            throw new IllegalArgumentException("split has n=" + n + ", dim=" + dim + " (need n >= 0, dim > 0)");
        }
        if ((long) n * dim != x.length) {
            throw new IllegalArgumentException("split inputs hold " + x.length + " floats, expected n*dim = " + n + "*"
                    + dim + " = " + (long) n * dim);
        }
        if (y.length != n) {
            throw new IllegalArgumentException("split has " + y.length + " labels for " + n + " examples");
        }
    }

    /** The rows at {@code indices}, in that order (copied). */
    public Split select(int[] indices) {
        float[] xs = new float[indices.length * dim];
        int[] ys = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= n) {
                throw new IndexOutOfBoundsException("row " + r + " is outside the split's " + n + " rows");
            }
            System.arraycopy(x, r * dim, xs, i * dim, dim);
            ys[i] = y[r];
        }
        return new Split(xs, ys, indices.length, dim);
    }

    /** The first {@code k} rows (or all of them when k >= n), copied. */
    public Split head(int k) {
        int m = Math.min(k, n);
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return select(idx);
    }

    /** Throws when a label lies outside [0, classes), naming the task and row. */
    public void checkLabels(String task, int classes) {
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException("task '" + task + "': label " + y[i] + " at row " + i
                        + " is outside 0.." + (classes - 1));
            }
        }
    }
}
