package dev.twin.core.group;

/** Argmax for the tests, written independently of the production one (first maximal index). */
final class WeightBatchTestAccess {
    private WeightBatchTestAccess() {
    }

    static int argmax(float[] w) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : w) {
            max = Math.max(max, v);
        }
        for (int j = 0; j < w.length; j++) {
            if (w[j] == max) {
                return j;
            }
        }
        throw new AssertionError();
    }
}
