package dev.twin.merger.kafka;

import dev.twin.proto.routed.Encoding;
import java.util.List;
import java.util.Map;

/**
 * The answer to one routed item (one request of N rows), ready to encode: per row its logits and arg-max, and the
 * router weights its logits were computed with (exact: the row's own; otherwise the cluster's, shared by every row).
 */
public record ItemResult(String requestId, String task, Encoding encoding, String replyTo, String clusterKey,
                         float[][] logits, int[] predicted, List<Map<String, Float>> routerWeights) {

    public int rows() {
        return predicted.length;
    }
}
