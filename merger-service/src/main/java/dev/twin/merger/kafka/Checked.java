package dev.twin.merger.kafka;

import dev.twin.proto.tensor.Fp32;
import dev.twin.proto.routed.RoutedBatch;

/**
 * A routed batch that passed {@link BatchCheck}: its route, the task of each item and where each item's rows start
 * (rowStart[i] .. rowStart[i + 1]; rowStart[items] = total rows).
 */
record Checked(RoutedBatch batch, Route route, String[] tasks, int[] rowStart) {

    int totalRows() {
        return rowStart[rowStart.length - 1];
    }

    int rowsOf(int item) {
        return rowStart[item + 1] - rowStart[item];
    }

    /** Row r's own router weights (exact only), bundle task order. */
    float[] rowWeights(int r, int tasks) {
        float[] w = new float[tasks];
        Fp32.view(batch.getRowWeights()).get(r * tasks, w);
        return w;
    }
}
