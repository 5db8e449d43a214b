package dev.twin.merger.kafka;

import dev.twin.proto.executor.ExecuteRequest;
import java.util.List;

/**
 * One executor call: the request and, in its row order, the record rows it carries (segments of whole records, or
 * consecutive slices of one record too large for a single call).
 */
record Call(ExecuteRequest request, List<Segment> segments) {

    /** Rows [from, to) of one record attempt. */
    record Segment(RecordWork work, int from, int to) {
    }

    int rows() {
        return request.getRowsCount();
    }
}
