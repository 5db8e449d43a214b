package dev.twin.core.group;

/** Checks shared by every strategy: a batch of equally long, finite, non-negative weight vectors. */
final class WeightBatch {
    private WeightBatch() {
    }

    /** The indices 0..n-1: every input of a batch of n, for strategies that keep the batch as one group. */
    static int[] all(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Returns T, the common vector length (0 for an empty batch). */
    static int validate(String strategy, float[][] weights) {
        if (weights == null) {
            throw new IllegalArgumentException(strategy + ": weights batch is null");
        }
        int t = -1;
        for (int i = 0; i < weights.length; i++) {
            float[] w = weights[i];
            if (w == null || w.length == 0) {
                throw new IllegalArgumentException(strategy + ": weight vector of input " + i + " is empty");
            }
            if (t < 0) {
                t = w.length;
            } else if (w.length != t) {
                throw new IllegalArgumentException(strategy + ": weight vector of input " + i + " has " + w.length
                        + " entries but input 0 has " + t);
            }
            for (int j = 0; j < w.length; j++) {
                if (!Float.isFinite(w[j]) || w[j] < 0f) {
                    throw new IllegalArgumentException(strategy + ": weight " + j + " of input " + i + " is " + w[j]
                            + " (weights must be finite and non-negative)");
                }
            }
        }
        return Math.max(t, 0);
    }

    /** Index of the largest weight, ties to the lower task index. */
    static int argmax(float[] w) {
        int best = 0;
        for (int j = 1; j < w.length; j++) {
            if (w[j] > w[best]) {
                best = j;
            }
        }
        return best;
    }
}
