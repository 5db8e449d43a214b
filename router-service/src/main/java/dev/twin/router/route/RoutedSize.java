package dev.twin.router.route;

import com.google.protobuf.CodedOutputStream;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.router.request.InferenceRequest;

/**
 * Serialized bytes a request adds to a twin.routed record (its item, its rows and its row weights), so that a group
 * is split into records under the size limit without serializing it twice.
 */
final class RoutedSize {
    /** Cluster key, merge weights, row size and field tags of a record: a generous bound. */
    static final int RECORD_OVERHEAD = 1024;

    private RoutedSize() {
    }

    /** Bytes of the request's item plus its rows and row weights (exact traffic: rows × tasks float32). */
    static long of(InferenceRequest r, RoutedItem item, int tasks) {
        return CodedOutputStream.computeMessageSize(3, item) + r.rows().size() + (long) r.rowCount() * tasks * Float.BYTES;
    }

    /** A record holding this request alone. */
    static long alone(InferenceRequest r, int tasks) {
        return RECORD_OVERHEAD + of(r, BatchRouter.item(r), tasks);
    }
}
