package dev.twin.merger.kafka;

import com.google.protobuf.ByteString;
import dev.twin.proto.tensor.Fp32;

import dev.twin.merger.model.LoadedBundle;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks a routed batch against the bundle before any work; every problem names the item or block and what is wrong.
 * Values are not scanned (the router validated shape and finiteness; this stage trusts the record format it owns),
 * but every length is checked, so no record can make the merger read out of bounds.
 */
final class BatchCheck {
    private BatchCheck() {
    }

    /** The arg-max task of the merge weights (ties go to the lexicographically smaller task: no map-order effect). */
    static String argMaxTask(Map<String, Float> weights) {
        String best = null;
        float bestW = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, Float> e : weights.entrySet()) {
            if (e.getValue() > bestW || (e.getValue() == bestW && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestW = e.getValue();
            }
        }
        return best;
    }

    static Checked check(RoutedBatch batch, LoadedBundle bundle) {
        String key = batch.getClusterKey();
        if (key.isEmpty()) {
            throw new BadRecordException("routed batch has no cluster key");
        }
        if (batch.getItemsCount() == 0) {
            throw new BadRecordException("routed batch of cluster '" + key + "' has no items");
        }
        Route route = Route.of(key);
        if (route == Route.GROUPED && batch.getMergeWeightsCount() == 0) {
            throw new BadRecordException("routed batch of cluster '" + key + "' has no merge weights");
        }
        for (Map.Entry<String, Float> e : batch.getMergeWeightsMap().entrySet()) {
            if (bundle.taskIndex(e.getKey()) < 0) {
                throw new BadRecordException("cluster '" + key + "': merge weight for unknown task '" + e.getKey()
                        + "' (bundle tasks " + bundle.tasks() + ")");
            }
            if (!Float.isFinite(e.getValue())) {
                throw new BadRecordException("cluster '" + key + "': merge weight of task '" + e.getKey() + "' is "
                        + e.getValue());
            }
        }
        if (batch.getRowSize() != bundle.inputDim()) {
            throw new BadRecordException("cluster '" + key + "': rows of " + batch.getRowSize()
                    + " input values but the model takes " + bundle.inputDim());
        }
        int n = batch.getItemsCount();
        int[] rowStart = new int[n + 1];
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RoutedItem item = batch.getItems(i);
            if (item.getRequestId().isEmpty()) {
                throw new BadRecordException("cluster '" + key + "' item " + i + " has no request id");
            }
            String where = "cluster '" + key + "' item " + i + " (request '" + item.getRequestId() + "')";
            // two callers may use one id: the router's correlation tells their requests apart
            if (!ids.add(item.getRequestId() + "\u0000" + item.getCorrelation())) {
                throw new BadRecordException(where + ": request id appears twice in the batch with the same "
                        + "correlation '" + item.getCorrelation() + "'");
            }
            if (item.getEncoding() != Encoding.JSON && item.getEncoding() != Encoding.PROTOBUF) {
                throw new BadRecordException(where + ": encoding " + item.getEncoding()
                        + " is neither JSON nor PROTOBUF");
            }
            if (!item.getClusterKey().isEmpty() && route != Route.EXACT) {
                throw new BadRecordException(where + ": names its own cluster '" + item.getClusterKey()
                        + "', which only a record of cluster '" + Route.EXACT_KEY + "' (rows with their own weights)"
                        + " may carry");
            }
            if (item.getRowCount() < 0) {
                throw new BadRecordException(where + ": row count " + item.getRowCount() + " is negative");
            }
            rowStart[i + 1] = rowStart[i] + Math.max(1, item.getRowCount());
        }
        long rows = rowStart[n];
        long inputBytes = rows * bundle.inputDim() * Float.BYTES;
        if (batch.getRows().size() != inputBytes) {
            throw new BadRecordException("cluster '" + key + "': rows carry " + batch.getRows().size() + " bytes but "
                    + rows + " rows × " + bundle.inputDim() + " float32 need " + inputBytes);
        }
        int t = bundle.tasks().size();
        if (route == Route.EXACT) {
            long weightBytes = rows * t * Float.BYTES;
            if (batch.getRowWeights().size() != weightBytes) {
                throw new BadRecordException("cluster '" + key + "': row weights carry " + batch.getRowWeights().size()
                        + " bytes but " + rows + " rows × " + t + " tasks need " + weightBytes);
            }
        } else if (!batch.getRowWeights().isEmpty()) {
            throw new BadRecordException("cluster '" + key + "' carries per-row weights, which only cluster '"
                    + Route.EXACT_KEY + "' uses");
        }
        ByteString keyWeights = route == Route.GROUPED ? Fp32.encode(bundle.weights(batch.getMergeWeightsMap()))
                : ByteString.EMPTY;
        Checked checked = new Checked(batch, route, new String[n], rowStart, keyWeights);
        for (int i = 0; i < n; i++) {
            RoutedItem item = batch.getItems(i);
            String task = item.getTask().isEmpty() ? defaultTask(checked, i, bundle) : item.getTask();
            if (bundle.taskIndex(task) < 0) {
                throw new BadRecordException("cluster '" + key + "' item " + i + " (request '" + item.getRequestId()
                        + "'): unknown task '" + task + "' (bundle tasks " + bundle.tasks() + ")");
            }
            checked.tasks()[i] = task;
        }
        return checked;
    }

    /**
     * The head of an item that names none: the arg-max of the weights its logits use (exact: the mean of its rows'
     * own weights, so a request of N rows gets one task; otherwise the cluster's merge weights).
     */
    private static String defaultTask(Checked c, int item, LoadedBundle bundle) {
        if (c.route() != Route.EXACT) {
            return argMaxTask(c.batch().getMergeWeightsMap());
        }
        int t = bundle.tasks().size();
        float[] sum = new float[t];
        for (int r = c.rowStart()[item]; r < c.rowStart()[item + 1]; r++) {
            float[] w = c.rowWeights(r, t);
            for (int j = 0; j < t; j++) {
                sum[j] += w[j];
            }
        }
        Map<String, Float> byTask = new java.util.HashMap<>();
        for (int j = 0; j < t; j++) {
            byTask.put(bundle.tasks().get(j), sum[j]);
        }
        return argMaxTask(byTask);
    }
}
