package dev.twin.merger.kafka;

import com.google.protobuf.ByteString;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.tensor.Fp32;
import java.util.Collections;

/**
 * A routed batch that passed {@link BatchCheck}: its route, the task of each item, where each item's rows start
 * (rowStart[i] .. rowStart[i + 1]; rowStart[items] = total rows) and, for a cluster, its merge weights as one float32
 * row in bundle task order (empty otherwise).
 */
record Checked(RoutedBatch batch, Route route, String[] tasks, int[] rowStart, ByteString keyWeights) {

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

    /** Bytes of one row's weights in an executor call run factored. */
    int weightBytesPerRow() {
        return route == Route.EXACT ? batch.getRowWeights().size() / Math.max(1, totalRows()) : keyWeights.size();
    }

    /**
     * Rows [from, to)'s weights for a factored executor call (float32, bundle task order): an exact record's own
     * rows', a cluster's key weights once per row (its rows then compute θ(w_key)·x exactly, factored).
     */
    ByteString factoredWeights(int from, int to) {
        if (route == Route.EXACT) {
            int w = weightBytesPerRow();
            return batch.getRowWeights().substring(from * w, to * w);
        }
        return ByteString.copyFrom(Collections.nCopies(to - from, keyWeights)); // a rope: no copy until serialized
    }
}
