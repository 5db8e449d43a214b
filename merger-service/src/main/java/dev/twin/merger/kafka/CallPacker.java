package dev.twin.merger.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.routed.RoutedBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs the records of one unit (same base weights) into executor calls no larger than the executor's message
 * limit: whole records are coalesced while they fit, and a record too large on its own is split by rows into calls
 * of its own. The routed row blocks (and exact row weights) are passed through as slices of the records' bytes,
 * never decoded or re-encoded; a cluster run factored gets its key's weights once per row.
 */
final class CallPacker {
    // tag + longest length varint of a bytes field, for inputs and weights
    private static final int BLOCK_OVERHEAD = 2 * (1 + 5);

    private final int maxBytes;

    CallPacker(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Calls running records' rows on {@code key} ("" for θ*), with per-row weights when {@code weighted}. */
    List<Call> pack(List<RecordWork> records, String key, boolean weighted) {
        int base = CodedOutputStream.computeStringSize(1, key) + BLOCK_OVERHEAD;
        List<Call> calls = new ArrayList<>();
        List<Call.Segment> current = new ArrayList<>();
        long size = base;
        for (RecordWork w : records) {
            long whole = rowsBytes(w, 0, w.parsed.checked().totalRows(), weighted);
            if (base + whole > maxBytes) {
                flush(calls, current, key, weighted);
                size = base;
                split(calls, w, key, weighted, base);
                continue;
            }
            if (size + whole > maxBytes) {
                flush(calls, current, key, weighted);
                size = base;
            }
            current.add(new Call.Segment(w, 0, w.parsed.checked().totalRows()));
            size += whole;
        }
        flush(calls, current, key, weighted);
        return calls;
    }

    /** One record's rows in consecutive slices, each call as full as the limit allows. */
    private void split(List<Call> calls, RecordWork w, String key, boolean weighted, int base) {
        int rows = w.parsed.checked().totalRows();
        int from = 0;
        long size = base;
        for (int r = 0; r < rows; r++) {
            long row = rowsBytes(w, r, r + 1, weighted);
            if (base + row > maxBytes) {
                throw new BadRecordException("one row of request '" + w.parsed.checked().batch()
                        .getItems(w.itemOfRow(r)).getRequestId() + "' needs " + (base + row)
                        + " bytes, more than the executor's message limit " + maxBytes);
            }
            if (size + row > maxBytes) {
                List<Call.Segment> one = new ArrayList<>(List.of(new Call.Segment(w, from, r)));
                flush(calls, one, key, weighted);
                from = r;
                size = base;
            }
            size += row;
        }
        flush(calls, new ArrayList<>(List.of(new Call.Segment(w, from, rows))), key, weighted);
    }

    /** Serialized bytes rows [from, to) of a record add to a request: their Row entries and their block bytes. */
    private static long rowsBytes(RecordWork w, int from, int to, boolean weighted) {
        Checked c = w.parsed.checked();
        RoutedBatch b = c.batch();
        long perRowBlock = (long) b.getRowSize() * Float.BYTES + (weighted ? c.weightBytesPerRow() : 0);
        long bytes = (to - from) * perRowBlock;
        for (int r = from; r < to; r++) {
            int item = w.itemOfRow(r);
            String traceparent = w.parsed.spans().traceparent(item);
            int row = CodedOutputStream.computeStringSize(1, b.getItems(item).getRequestId())
                    + CodedOutputStream.computeStringSize(2, c.tasks()[item])
                    + (traceparent.isEmpty() ? 0 : CodedOutputStream.computeStringSize(4, traceparent));
            bytes += 1 + CodedOutputStream.computeUInt32SizeNoTag(row) + row;
        }
        return bytes;
    }

    private static void flush(List<Call> calls, List<Call.Segment> segments, String key, boolean weighted) {
        if (segments.isEmpty()) {
            return;
        }
        ExecuteRequest.Builder req = ExecuteRequest.newBuilder().setKey(key);
        List<ByteString> inputs = new ArrayList<>();
        List<ByteString> weights = new ArrayList<>();
        for (Call.Segment s : segments) {
            Checked c = s.work().parsed.checked();
            RoutedBatch b = c.batch();
            int rowBytes = b.getRowSize() * Float.BYTES;
            for (int r = s.from(); r < s.to(); r++) {
                int item = s.work().itemOfRow(r);
                req.addRows(Row.newBuilder().setRequestId(b.getItems(item).getRequestId()).setTask(c.tasks()[item])
                        .setTraceparent(s.work().parsed.spans().traceparent(item)));
            }
            inputs.add(b.getRows().substring(s.from() * rowBytes, s.to() * rowBytes));
            if (weighted) {
                weights.add(c.factoredWeights(s.from(), s.to()));
            }
        }
        req.setInputs(ByteString.copyFrom(inputs)); // a rope over the slices: no copy until serialization
        if (weighted) {
            req.setWeights(ByteString.copyFrom(weights));
        }
        calls.add(new Call(req.build(), List.copyOf(segments)));
        segments.clear();
    }
}
