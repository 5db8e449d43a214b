package dev.twin.merger.kafka;

import dev.twin.merger.model.LoadedBundle;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Checks a routed batch against the bundle before any work; every problem names the item and what is wrong. */
final class BatchCheck {
    private BatchCheck() {
    }

    /** The task an item uses: its own, or the arg-max of the merge weights when it names none. */
    static String taskOf(RoutedItem item, RoutedBatch batch) {
        if (!item.getTask().isEmpty()) {
            return item.getTask();
        }
        String best = null;
        float bestW = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, Float> e : batch.getMergeWeightsMap().entrySet()) {
            // ties go to the lexicographically smaller task so the choice does not depend on map order
            if (e.getValue() > bestW || (e.getValue() == bestW && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestW = e.getValue();
            }
        }
        return best;
    }

    static void check(RoutedBatch batch, LoadedBundle bundle) {
        String key = batch.getClusterKey();
        if (key.isEmpty()) {
            throw new BadRecordException("routed batch has no cluster key");
        }
        if (batch.getItemsCount() == 0) {
            throw new BadRecordException("routed batch of cluster '" + key + "' has no items");
        }
        if (batch.getMergeWeightsCount() == 0) {
            throw new BadRecordException("routed batch of cluster '" + key + "' has no merge weights");
        }
        for (Map.Entry<String, Float> e : batch.getMergeWeightsMap().entrySet()) {
            if (!bundle.tasks().contains(e.getKey())) {
                throw new BadRecordException("cluster '" + key + "': merge weight for unknown task '" + e.getKey()
                        + "' (bundle tasks " + bundle.tasks() + ")");
            }
            if (!Float.isFinite(e.getValue())) {
                throw new BadRecordException("cluster '" + key + "': merge weight of task '" + e.getKey() + "' is "
                        + e.getValue());
            }
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < batch.getItemsCount(); i++) {
            RoutedItem item = batch.getItems(i);
            String where = "cluster '" + key + "' item " + i + " (request '" + item.getRequestId() + "')";
            if (item.getRequestId().isEmpty()) {
                throw new BadRecordException("cluster '" + key + "' item " + i + " has no request id");
            }
            if (!ids.add(item.getRequestId())) {
                throw new BadRecordException(where + ": request id appears twice in the batch");
            }
            String task = taskOf(item, batch);
            if (!bundle.tasks().contains(task)) {
                throw new BadRecordException(where + ": unknown task '" + task + "' (bundle tasks " + bundle.tasks()
                        + ")");
            }
            if (item.getEncoding() != Encoding.JSON && item.getEncoding() != Encoding.PROTOBUF) {
                throw new BadRecordException(where + ": encoding " + item.getEncoding()
                        + " is neither JSON nor PROTOBUF");
            }
            if (item.getValuesCount() != bundle.inputDim()) {
                throw new BadRecordException(where + ": " + item.getValuesCount() + " input values but the model takes "
                        + bundle.inputDim());
            }
            for (int j = 0; j < item.getValuesCount(); j++) {
                if (!Float.isFinite(item.getValues(j))) {
                    throw new BadRecordException(where + ": input value " + j + " is " + item.getValues(j));
                }
            }
        }
    }
}
