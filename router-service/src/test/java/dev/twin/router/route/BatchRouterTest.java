package dev.twin.router.route;

import dev.twin.proto.tensor.Fp32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.twin.core.group.GroupingStrategies;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.router.request.InferenceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchRouterTest {
    private static final List<String> TASKS = List.of("a", "b", "c");
    private static final float LN3 = (float) Math.log(3);
    private static final float LN4 = (float) Math.log(4);
    // the scorer's logits are the input rows themselves (inputSize = T = 3)
    private static final LogitScorer IDENTITY = (x, n) -> {
        float[][] out = new float[n][3];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, 3 * i, out[i], 0, 3);
        }
        return out;
    };

    private static InferenceRequest req(String id, String task, float... x) {
        return new InferenceRequest(id, task, x.length / 3, Fp32.encode(x), Encoding.PROTOBUF,
                id.equals("r1") ? "other.results" : null);
    }

    private static float[] floats(ByteString block) {
        return Fp32.decode(block);
    }

    @Test
    void aGroupIsSplitIntoRecordsUnderTheSizeLimitWithEveryItemOnceInOrder() {
        // each item carries a 1000-byte original: ~1.07 KB per item, so two fit in 1024 + 2600 bytes, three do not
        int limit = RoutedSize.RECORD_OVERHEAD + 2600;
        BatchRouter router = new BatchRouter(IDENTITY, TASKS, 3, 1.0, GroupingStrategies.create("exact", 1, 1, 1, 0),
                limit, false);
        List<InferenceRequest> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(req("s" + i, null, i, 0, 1).deliver("r:" + i, null, dev.twin.proto.routed.OriginalRequest
                    .newBuilder().setValue(ByteString.copyFrom(new byte[1000])).build()));
        }
        List<RoutedBatch> out = router.route(batch);
        assertEquals(List.of(2, 2, 1), out.stream().map(RoutedBatch::getItemsCount).toList());
        List<String> ids = new ArrayList<>();
        for (RoutedBatch b : out) {
            assertTrue(b.getSerializedSize() <= limit, b.getSerializedSize() + " > " + limit);
            assertEquals("exact", b.getClusterKey());
            assertEquals(b.getItemsCount() * 3 * 4, b.getRows().size(), "the record's own rows");
            assertEquals(b.getItemsCount() * 3 * 4, b.getRowWeights().size(), "the record's own row weights");
            for (int k = 0; k < b.getItemsCount(); k++) {
                RoutedItem it = b.getItems(k);
                ids.add(it.getRequestId());
                int i = Integer.parseInt(it.getRequestId().substring(1));
                assertEquals("r:" + i, it.getCorrelation());
                assertEquals(1000, it.getOriginal().getValue().size());
                assertArrayEquals(new float[] {i, 0, 1}, java.util.Arrays.copyOfRange(floats(b.getRows()), 3 * k,
                        3 * k + 3));
            }
        }
        assertEquals(List.of("s0", "s1", "s2", "s3", "s4"), ids);
    }

    @Test
    void perBatchClusterRecordsCarryEachRowWithItsClustersWeightsInOneExactRecord() {
        // the same batch routed both ways: one record per cluster (the reference), and one record for all of them
        List<InferenceRequest> batch = List.of(req("r0", null, 0, 5, 1), req("r1", "c", 3, 1, 2),
                req("r2", null, -1, 0, -2), req("r3", null, 0, 0, 0.5f), req("r4", null, 2, 2.2f, 0));
        var lattice = GroupingStrategies.create("lattice", 1, 2, 4, 0);
        List<RoutedBatch> perCluster = new BatchRouter(IDENTITY, TASKS, 3, 1.0, lattice).route(batch);
        BatchRouter coalescing = new BatchRouter(IDENTITY, TASKS, 3, 1.0, lattice, Long.MAX_VALUE, true);
        List<RoutedBatch> out = coalescing.route(batch);
        assertTrue(perCluster.size() >= 3, "the batch spans several clusters: " + perCluster.size());
        assertEquals(1, out.size());
        assertTrue(coalescing.spreadsKeys(), "no record names one merged set: spread over partitions");
        RoutedBatch one = out.get(0);
        assertEquals("exact", one.getClusterKey());
        assertTrue(one.getMergeWeightsMap().isEmpty());
        float[] weights = floats(one.getRowWeights());
        float[] rows = floats(one.getRows());
        assertEquals(5 * 3, weights.length);
        List<String> ids = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (int k = 0; k < one.getItemsCount(); k++) {
            RoutedItem it = one.getItems(k);
            ids.add(it.getRequestId());
            RoutedBatch ref = perCluster.stream().filter(b -> b.getItemsList().stream()
                    .anyMatch(i -> i.getRequestId().equals(it.getRequestId()))).findFirst().orElseThrow();
            assertEquals(ref.getClusterKey(), it.getClusterKey(), it.getRequestId() + ": its cluster");
            float[] w = java.util.Arrays.copyOfRange(weights, 3 * k, 3 * k + 3);
            for (int t = 0; t < 3; t++) {
                assertEquals(ref.getMergeWeightsMap().getOrDefault(TASKS.get(t), 0f), w[t], 0f,
                        it.getRequestId() + ": its cluster's weight of " + TASKS.get(t));
            }
            RoutedItem refItem = ref.getItemsList().stream().filter(i -> i.getRequestId().equals(it.getRequestId()))
                    .findFirst().orElseThrow();
            assertEquals(refItem, it.toBuilder().clearClusterKey().build(), "otherwise the same item");
            int i = Integer.parseInt(it.getRequestId().substring(1));
            assertArrayEquals(floats(batch.get(i).rows()), java.util.Arrays.copyOfRange(rows, 3 * k, 3 * k + 3));
            if (order.isEmpty() || !order.get(order.size() - 1).equals(it.getClusterKey())) {
                order.add(it.getClusterKey());
            }
        }
        assertEquals(perCluster.size(), order.size(), "a cluster's items are contiguous, in cluster order: " + order);
        ids.sort(String::compareTo);
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), ids);
    }

    @Test
    void perRequestCarriesSoftmaxWeightsAtTheTemperature() {
        BatchRouter router = new BatchRouter(IDENTITY, TASKS, 3, 2.0,
                GroupingStrategies.create("per-request", 1, 1, 1, 0));
        // softmax([0, 2 ln3, 0] / 2) = [1, 3, 1] / 5; softmax([2 ln4, 0, 0] / 2) = [4, 1, 1] / 6
        List<RoutedBatch> out = router.route(List.of(req("r0", "b", 0, 2 * LN3, 0), req("r1", null, 2 * LN4, 0, 0)));
        assertEquals(2, out.size());
        assertWeights(Map.of("a", 0.2f, "b", 0.6f, "c", 0.2f), out.get(0).getMergeWeightsMap());
        assertWeights(Map.of("a", 4f / 6, "b", 1f / 6, "c", 1f / 6), out.get(1).getMergeWeightsMap());
        RoutedItem i0 = out.get(0).getItems(0);
        assertEquals("r0", i0.getRequestId());
        assertEquals("b", i0.getTask());
        assertEquals(Encoding.PROTOBUF, i0.getEncoding());
        assertEquals("", i0.getReplyTo());
        assertEquals(1, i0.getRowCount());
        assertArrayEquals(new float[] {0, 2 * LN3, 0}, floats(out.get(0).getRows()));
        assertEquals(3, out.get(0).getRowSize());
        assertTrue(out.get(0).getRowWeights().isEmpty());
        assertArrayEquals(new float[] {2 * LN4, 0, 0}, floats(out.get(1).getRows()));
        RoutedItem i1 = out.get(1).getItems(0);
        assertEquals("", i1.getTask());
        assertEquals("other.results", i1.getReplyTo());
        assertNotEquals(out.get(0).getClusterKey(), out.get(1).getClusterKey());
    }

    @Test
    void top1GroupsByArgmaxAndCoversEveryRequestOnce() {
        BatchRouter router = new BatchRouter(IDENTITY, TASKS, 3, 1.0, GroupingStrategies.create("top1", 1, 1, 1, 0));
        // argmax: r0 → b, r1 → a, r2 → b, r3 → c
        List<RoutedBatch> out = router.route(List.of(req("r0", null, 0, 5, 1), req("r1", null, 3, 1, 2),
                req("r2", null, -1, 0, -2), req("r3", null, 0, 0, 0.5f)));
        assertEquals(3, out.size());
        List<String> seen = new ArrayList<>();
        for (RoutedBatch b : out) {
            List<String> ids = b.getItemsList().stream().map(RoutedItem::getRequestId).toList();
            seen.addAll(ids);
            String hot = b.getMergeWeightsMap().entrySet().stream().filter(e -> e.getValue() == 1f)
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            List<String> expected = switch (hot) {
                case "a" -> List.of("r1");
                case "b" -> List.of("r0", "r2");
                default -> List.of("r3");
            };
            assertEquals(expected, ids);
            assertEquals(1f, (float) b.getMergeWeightsMap().values().stream().mapToDouble(Float::doubleValue).sum());
        }
        seen.sort(String::compareTo);
        assertEquals(List.of("r0", "r1", "r2", "r3"), seen);
    }

    @Test
    void staticSendsEveryRequestToTheSharedExpertWithoutCallingTheRouter() {
        LogitScorer noRouter = (x, n) -> {
            throw new AssertionError("the router must not run for 'static'");
        };
        BatchRouter router = new BatchRouter(noRouter, TASKS, 3, 1.0, GroupingStrategies.create("static", 1, 1, 1, 0));
        List<RoutedBatch> out = router.route(List.of(req("r0", "a", 0, 5, 1), req("r1", "c", 3, 1, 2)));
        assertEquals(1, out.size());
        assertEquals("static", out.get(0).getClusterKey());
        assertWeights(Map.of("a", 0f, "b", 0f, "c", 0f), out.get(0).getMergeWeightsMap());
        assertEquals(List.of("r0", "r1"), out.get(0).getItemsList().stream().map(RoutedItem::getRequestId).toList());
        assertArrayEquals(new float[] {0, 5, 1, 3, 1, 2}, floats(out.get(0).getRows()));
        assertTrue(router.spreadsKeys());
    }

    @Test
    void exactKeepsEveryRowsOwnSoftmaxAndRequestsWhole() {
        BatchRouter router = new BatchRouter(IDENTITY, TASKS, 3, 2.0, GroupingStrategies.create("exact", 1, 1, 1, 0));
        // r0: one row; r1: a batch of two rows; T = 2: softmax(l / 2)
        // rows: [0, 2 ln3, 0] → [1,3,1]/5; [2 ln4, 0, 0] → [4,1,1]/6; [0, 0, 2 ln3] → [1,1,3]/5
        List<RoutedBatch> out = router.route(List.of(req("r0", "b", 0, 2 * LN3, 0),
                req("r1", null, 2 * LN4, 0, 0, 0, 0, 2 * LN3)));
        assertEquals(1, out.size());
        RoutedBatch b = out.get(0);
        assertEquals("exact", b.getClusterKey());
        assertTrue(b.getMergeWeightsMap().isEmpty(), "exact carries weights per row only");
        assertEquals(List.of(1, 2), b.getItemsList().stream().map(RoutedItem::getRowCount).toList());
        assertArrayEquals(new float[] {0, 2 * LN3, 0, 2 * LN4, 0, 0, 0, 0, 2 * LN3}, floats(b.getRows()));
        assertArrayEquals(new float[] {0.2f, 0.6f, 0.2f, 4f / 6, 1f / 6, 1f / 6, 0.2f, 0.2f, 0.6f},
                floats(b.getRowWeights()), 1e-6f);
        assertTrue(router.spreadsKeys());
    }

    @Test
    void aGroupedStrategyGroupsABatchRequestByItsMeanWeights() {
        BatchRouter router = new BatchRouter(IDENTITY, TASKS, 3, 1.0, GroupingStrategies.create("top1", 1, 1, 1, 0));
        // r0's rows lean to a (w ≈ [.84,.11,.04]) and c (w ≈ [.16,.04,.80]): their mean favours a (0.50 > 0.41)
        List<RoutedBatch> out = router.route(List.of(req("r0", null, 3, 1, 0, 1, 0, 2.6f)));
        assertEquals(1, out.size());
        assertEquals(1f, out.get(0).getMergeWeightsOrThrow("a"));
        assertEquals(2, out.get(0).getItems(0).getRowCount());
        assertEquals(6, floats(out.get(0).getRows()).length);
        assertTrue(!router.spreadsKeys());
    }

    private static void assertWeights(Map<String, Float> expected, Map<String, Float> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        float[] e = new float[3];
        float[] a = new float[3];
        for (int t = 0; t < 3; t++) {
            e[t] = expected.get(TASKS.get(t));
            a[t] = actual.get(TASKS.get(t));
        }
        assertArrayEquals(e, a, 1e-6f);
    }
}
