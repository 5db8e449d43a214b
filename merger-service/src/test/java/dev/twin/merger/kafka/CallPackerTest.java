package dev.twin.merger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Coalescing records into executor calls and splitting at the message limit, with hand-computed sizes. */
class CallPackerTest {
    private static final int DIM = 4; // 16 bytes of inputs per row
    private static final int TASKS = 2; // 8 bytes of weights per row

    /** An exact record of rows rows (one item each, ids prefix-i, task "a"); byte values count up from seed. */
    private static RecordWork record(String prefix, int rows, int seed) {
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey("exact").setRowSize(DIM);
        byte[] in = new byte[rows * DIM * 4];
        byte[] w = new byte[rows * TASKS * 4];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (seed + i);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (seed - i);
        }
        RoutedBatch batch = oneRowItems(b, prefix, rows).setRows(ByteString.copyFrom(in))
                .setRowWeights(ByteString.copyFrom(w)).build();
        return work(batch, Route.EXACT, "a", ByteString.EMPTY);
    }

    /** rows items of one row each, ids prefix-i. */
    private static RoutedBatch.Builder oneRowItems(RoutedBatch.Builder b, String prefix, int rows) {
        for (int i = 0; i < rows; i++) {
            b.addItems(RoutedItem.newBuilder().setRequestId(prefix + i));
        }
        return b;
    }

    /** A checked record of one-row items, all of task. */
    private static RecordWork work(RoutedBatch batch, Route route, String task, ByteString keyWeights) {
        int rows = batch.getItemsCount();
        String[] tasks = new String[rows];
        int[] start = new int[rows + 1];
        for (int i = 0; i < rows; i++) {
            tasks[i] = task;
            start[i + 1] = i + 1;
        }
        return new RecordWork(new Parsed(null, new RecordHeaders(), new Checked(batch, route, tasks, start,
                keyWeights)));
    }

    /** A cluster record of rows rows whose key weights are w (as BatchCheck encodes them). */
    private static RecordWork cluster(String prefix, int rows, float[] w) {
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey("lattice-x").setRowSize(DIM)
                .putMergeWeights("a", w[0]).putMergeWeights("b", w[1]);
        RoutedBatch batch = oneRowItems(b, prefix, rows).setRows(ByteString.copyFrom(new byte[rows * DIM * 4])).build();
        return work(batch, Route.GROUPED, "b", dev.twin.proto.tensor.Fp32.encode(w));
    }

    @Test
    void aClusterRunFactoredCarriesItsKeysWeightsOncePerRowBesideExactRows() {
        RecordWork exact = record("e", 2, 0);
        RecordWork c = cluster("c", 3, new float[]{0.75f, 0.25f});
        List<Call> calls = new CallPacker(4 << 20).pack(List.of(exact, c), "", true);
        assertEquals(1, calls.size());
        ExecuteRequest r = calls.get(0).request();
        assertEquals(List.of("e0", "e1", "c0", "c1", "c2"), ids(r));
        float[] w = dev.twin.proto.tensor.Fp32.decode(r.getWeights());
        float[] exactW = dev.twin.proto.tensor.Fp32.decode(exact.parsed.checked().batch().getRowWeights());
        float[] want = {exactW[0], exactW[1], exactW[2], exactW[3], 0.75f, 0.25f, 0.75f, 0.25f, 0.75f, 0.25f};
        assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(w));
        // a row of the cluster costs as much as an exact one (8 B of weights): the limit of three rows per call
        // (as in the next test) splits the cluster's three rows after the exact record's two
        List<Call> small = new CallPacker(14 + 3 * 33).pack(List.of(exact, cluster("d", 3, new float[]{1, 0})), "",
                true);
        assertEquals(List.of(List.of("e0", "e1"), List.of("d0", "d1", "d2")), small.stream().map(x -> ids(x.request()))
                .toList());
    }

    private static List<String> ids(ExecuteRequest r) {
        return r.getRowsList().stream().map(Row::getRequestId).toList();
    }

    @Test
    void recordsThatFitTogetherGoInOneCallWithTheirBytesConcatenated() {
        RecordWork a = record("a", 2, 0);
        RecordWork b = record("b", 3, 50);
        List<Call> calls = new CallPacker(4 << 20).pack(List.of(a, b), "", true);
        assertEquals(1, calls.size());
        ExecuteRequest r = calls.get(0).request();
        assertEquals("", r.getKey());
        assertEquals(List.of("a0", "a1", "b0", "b1", "b2"), ids(r));
        assertEquals(a.parsed.checked().batch().getRows().concat(b.parsed.checked().batch().getRows()), r.getInputs());
        assertEquals(a.parsed.checked().batch().getRowWeights().concat(b.parsed.checked().batch().getRowWeights()),
                r.getWeights());
        assertEquals(2, calls.get(0).segments().size());
        assertSame(b, calls.get(0).segments().get(1).work());
    }

    @Test
    void aCallNeverExceedsTheLimitAndAnOversizedRecordIsSplitByRows() {
        // a row: Row entry 2 + (2 + 2) + (2 + 1) = 9 bytes ("a0".."a9": ids of 2 chars), 16 B inputs, 8 B weights:
        // 33 bytes; the fixed part is the key field (2 B for "") plus 12 B for the two block headers = 14 bytes
        int limit = 14 + 3 * 33; // three rows per call
        RecordWork small = record("s", 2, 0);
        RecordWork big = record("a", 7, 100);
        RecordWork tail = record("t", 1, 7);
        List<Call> calls = new CallPacker(limit).pack(List.of(small, big, tail), "", true);
        List<List<String>> rows = new ArrayList<>();
        for (Call c : calls) {
            assertTrue(c.request().getSerializedSize() <= limit, c.request().getSerializedSize() + " > " + limit);
            rows.add(ids(c.request()));
        }
        // small alone (big does not fit beside it), big in slices of three, then tail
        assertEquals(List.of(List.of("s0", "s1"), List.of("a0", "a1", "a2"), List.of("a3", "a4", "a5"),
                List.of("a6"), List.of("t0")), rows);
        ByteString bigRows = big.parsed.checked().batch().getRows();
        assertEquals(bigRows.substring(3 * 16, 6 * 16), calls.get(2).request().getInputs());
        assertEquals(big.parsed.checked().batch().getRowWeights().substring(6 * 8, 7 * 8),
                calls.get(3).request().getWeights());
    }

    @Test
    void aSingleRowBeyondTheLimitIsTheRecordsFault() {
        BadRecordException e = assertThrows(BadRecordException.class,
                () -> new CallPacker(40).pack(List.of(record("a", 1, 0)), "", true));
        assertTrue(e.getMessage().contains("request 'a0'") && e.getMessage().contains("message limit 40"),
                e.getMessage());
    }
}
