package dev.twin.core.train;

import dev.twin.core.suite.Split;
import java.util.Arrays;

/** A training batch in flat buffers: the rows order[start..start+size) of a split and their one-hot labels. */
final class OneHotBatch {
    private OneHotBatch() {
    }

    static void fill(Split data, int[] order, int start, int size, int classes, float[] xb, float[] yb) {
        int dim = data.dim();
        Arrays.fill(yb, 0, size * classes, 0f);
        for (int i = 0; i < size; i++) {
            int r = order[start + i];
            System.arraycopy(data.x(), r * dim, xb, i * dim, dim);
            yb[i * classes + data.y()[r]] = 1f;
        }
    }
}
