package dev.twin.cli.traffic;

import java.util.List;
import java.util.Map;

/**
 * What came back for one request of N rows: the predicted class per row, the head used, the cluster that served it,
 * the router weights per row (task → w; empty when the answer has none) and when it arrived.
 */
public record Answer(String id, List<Integer> predictions, String task, String clusterKey,
                     List<Map<String, Float>> routerWeights, long receivedNanos) {

    public Answer {
        predictions = List.copyOf(predictions);
        routerWeights = List.copyOf(routerWeights);
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("answer '" + id + "' has no predicted rows");
        }
    }

    /** A one-row answer without router weights. */
    public Answer(String id, int predicted, String task, String clusterKey, long receivedNanos) {
        this(id, List.of(predicted), task, clusterKey, List.of(), receivedNanos);
    }

    /** The first row's class (the only one for a one-row request). */
    public int predicted() {
        return predictions.get(0);
    }

    public int rows() {
        return predictions.size();
    }
}
