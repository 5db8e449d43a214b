package dev.twin.merger.kafka;

import static dev.twin.merger.kafka.MergerServiceTest.await;
import static dev.twin.merger.kafka.MergerServiceTest.batch;
import static dev.twin.merger.kafka.MergerServiceTest.decode;
import static dev.twin.merger.kafka.MergerServiceTest.produce;
import static dev.twin.merger.kafka.MergerServiceTest.req;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.train.Evaluation;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.WeightSet;
import dev.twin.merger.KafkaAndBundle;
import dev.twin.merger.cache.MergedCache;
import dev.twin.merger.executor.FakeExecutor;
import dev.twin.merger.kafka.MergerServiceTest.Decoded;
import dev.twin.merger.kafka.MergerServiceTest.Req;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clusters run factored (twin.merger.cluster-execution=factored, the serving default; MergerServiceTest covers
 * materialized): two records of different cluster keys in one poll go to the executor as one call on θ* with each
 * row carrying its key's weights, nothing is materialized or installed, and every answer is the prediction of core's
 * materialized θ(w_key) with the task's head, tagged with the key and its weights.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndBundle.class)
@TestProfile(FactoredClustersTest.Factored.class)
class FactoredClustersTest {

    public static class Factored implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("twin.merger.cluster-execution", "factored");
        }
    }

    @Inject
    MergedCache cache;

    @ConfigProperty(name = "twin.merger.bundle")
    Path bundleDir;

    private Bundle bundle;
    private Architecture arch;
    private List<String> tasks;
    private String t0;
    private String t1;

    @BeforeEach
    void loadBundle() {
        bundle = Bundle.load(bundleDir);
        arch = Architectures.create(bundle.manifest().architecture());
        tasks = bundle.modules().tasks();
        t0 = tasks.get(0);
        t1 = tasks.get(1);
    }

    @Test
    void clustersRunAsOneFactoredCallWithTheirKeysWeightsAndNothingInstalled() throws Exception {
        TaskData d0 = KafkaAndBundle.suite().tasks().get(0);
        TaskData d1 = KafkaAndBundle.suite().tasks().get(1);
        assertEquals(List.of(t0, t1), List.of(d0.name(), d1.name()));
        Map<String, Float> wa = Map.of(t0, 0.75f, t1, 0.25f);
        Map<String, Float> wb = Map.of(t0, 0.25f, t1, 0.5f);
        Split s0 = d0.test();
        Split s1 = d1.test();
        List<Req> a = List.of(req("fa-0", t0, s0, 0, Encoding.JSON, ""), req("fa-1", t1, s1, 1, Encoding.PROTOBUF, ""));
        List<Req> b = List.of(req("fb-0", t0, s0, 2, Encoding.PROTOBUF, ""), req("fb-1", t1, s1, 3, Encoding.JSON, ""));
        int installs = FakeExecutor.INSTALLS.get();
        long misses = cache.stats().misses();
        RoutedBatch ra = batch("lattice-a", wa, a).build();
        RoutedBatch rb = batch("lattice-b", wb, b).build();
        produce("lattice-a", ra.toByteArray(), null, null);
        produce("lattice-b", rb.toByteArray(), null, null);

        Map<String, Integer> want = new java.util.HashMap<>();
        try (Materializer m = new Materializer(bundle.modules())) {
            int[] pa0 = predict(m, arch, bundle, wa, t0, s0, 1);
            int[] pa1 = predict(m, arch, bundle, wa, t1, s1, 2);
            int[] pb0 = predict(m, arch, bundle, wb, t0, s0, 3);
            int[] pb1 = predict(m, arch, bundle, wb, t1, s1, 4);
            want.put("fa-0", pa0[0]);
            want.put("fa-1", pa1[1]);
            want.put("fb-0", pb0[2]);
            want.put("fb-1", pb1[3]);
        }
        for (ConsumerRecord<String, byte[]> r : await("twin.results", k -> k.startsWith("fa-") || k.startsWith("fb-"),
                4)) {
            Decoded d = decode(r);
            boolean inA = r.key().startsWith("fa-");
            assertEquals(want.get(r.key()), d.predicted(), "prediction of " + r.key() + " on θ(w_key)");
            assertEquals(inA ? "lattice-a" : "lattice-b", d.clusterKey());
            assertEquals(List.of(inA ? wa : wb), d.weights(), "router_weights: the key's weights");
        }
        assertEquals(installs, FakeExecutor.INSTALLS.get(), "nothing installed");
        assertEquals(misses, cache.stats().misses(), "nothing materialized");
        // the executor saw θ* calls ("" key) whose rows carry their key's weights, bundle task order
        List<ExecuteRequest> calls = FakeExecutor.REQUESTS.stream().filter(r -> r.getRowsList().stream()
                .anyMatch(x -> x.getRequestId().startsWith("fa-") || x.getRequestId().startsWith("fb-"))).toList();
        List<float[]> rowWeights = new ArrayList<>();
        for (ExecuteRequest c : calls) {
            assertEquals("", c.getKey(), "a factored call runs on θ*");
            float[] w = dev.twin.proto.tensor.Fp32.decode(c.getWeights());
            assertEquals(c.getRowsCount() * tasks.size(), w.length);
            for (int r = 0; r < c.getRowsCount(); r++) {
                String id = c.getRows(r).getRequestId();
                float[] row = java.util.Arrays.copyOfRange(w, r * tasks.size(), (r + 1) * tasks.size());
                assertEquals(MergerServiceTest.byTask(tasks, row), dense(tasks, id.startsWith("fa-") ? wa : wb), id);
                rowWeights.add(row);
            }
        }
        assertEquals(4, rowWeights.size(), "each row sent once");
        // each routed row reached the executor as it was sent (the two records may come in one poll or two, so in
        // one call or two, in either order)
        int rowBytes = ra.getRowSize() * Float.BYTES;
        Map<String, com.google.protobuf.ByteString> sentRows = new java.util.HashMap<>();
        for (RoutedBatch rb0 : List.of(ra, rb)) {
            for (int r = 0; r < rb0.getItemsCount(); r++) {
                sentRows.put(rb0.getItems(r).getRequestId(), rb0.getRows().substring(r * rowBytes, (r + 1) * rowBytes));
            }
        }
        Map<String, com.google.protobuf.ByteString> executed = new java.util.HashMap<>();
        for (ExecuteRequest c : calls) {
            for (int r = 0; r < c.getRowsCount(); r++) {
                executed.put(c.getRows(r).getRequestId(), c.getInputs().substring(r * rowBytes, (r + 1) * rowBytes));
            }
        }
        assertEquals(sentRows, executed);
    }

    /**
     * A record of several clusters (router cluster-records=per-batch): keyed "exact", each row carrying its cluster's
     * weights, each item naming its cluster. Every answer is core's prediction on its cluster's θ(w_key), tagged with
     * the item's cluster and its weights, as if each cluster had come in a record of its own.
     */
    @Test
    void aRecordOfSeveralClustersAnswersEachItemOnItsClustersWeights() throws Exception {
        Split s0 = KafkaAndBundle.suite().tasks().get(0).test();
        Split s1 = KafkaAndBundle.suite().tasks().get(1).test();
        Map<String, Float> wa = Map.of(t0, 0.5f, t1, 0.5f);
        Map<String, Float> wb = Map.of(t0, 0.25f, t1, 0.75f);
        List<Req> reqs = List.of(req("mc-0", t0, s0, 5, Encoding.JSON, ""), req("mc-1", t1, s1, 6, Encoding.PROTOBUF,
                ""), req("mc-2", t0, s0, 7, Encoding.PROTOBUF, ""));
        List<Map<String, Float>> clusterWeights = List.of(wa, wa, wb);
        List<String> clusters = List.of("lattice-x", "lattice-x", "lattice-y");
        RoutedBatch.Builder b = batch("exact", Map.of(), reqs);
        float[][] rowWeights = new float[reqs.size()][tasks.size()];
        for (int i = 0; i < reqs.size(); i++) {
            b.setItems(i, b.getItems(i).toBuilder().setClusterKey(clusters.get(i)));
            for (int t = 0; t < tasks.size(); t++) {
                rowWeights[i][t] = clusterWeights.get(i).getOrDefault(tasks.get(t), 0f);
            }
        }
        long misses = cache.stats().misses();
        produce("exact#0", b.setRowWeights(MergerServiceTest.le(rowWeights)).build().toByteArray(), null, null);

        Map<String, Integer> want = new java.util.HashMap<>();
        try (Materializer m = new Materializer(bundle.modules())) {
            want.put("mc-0", predict(m, arch, bundle, wa, t0, s0, 6)[5]);
            want.put("mc-1", predict(m, arch, bundle, wa, t1, s1, 7)[6]);
            want.put("mc-2", predict(m, arch, bundle, wb, t0, s0, 8)[7]);
        }
        for (ConsumerRecord<String, byte[]> r : await("twin.results", k -> k.startsWith("mc-"), 3)) {
            Decoded d = decode(r);
            int i = Integer.parseInt(r.key().substring(3));
            assertEquals(want.get(r.key()), d.predicted(), "prediction of " + r.key() + " on θ(w_key)");
            assertEquals(clusters.get(i), d.clusterKey(), "the item's own cluster");
            assertEquals(List.of(dense(tasks, clusterWeights.get(i))), d.weights(), "router_weights: its cluster's");
        }
        assertEquals(misses, cache.stats().misses(), "nothing materialized");
    }

    /** w over every bundle task (0 where w names none). */
    private static Map<String, Float> dense(List<String> tasks, Map<String, Float> w) {
        Map<String, Float> m = new java.util.HashMap<>();
        tasks.forEach(t -> m.put(t, w.getOrDefault(t, 0f)));
        return m;
    }

    /** Core's predictions for the first n test rows of task on θ(w) with the task's head. */
    private static int[] predict(Materializer m, Architecture arch, Bundle bundle, Map<String, Float> w, String task,
                                 Split split, int n) {
        float[] wv = new float[bundle.modules().tasks().size()];
        w.forEach((t, v) -> wv[bundle.modules().tasks().indexOf(t)] = v);
        WeightSet theta = m.materializeWeights(wv).filter(name -> !name.matches(Architecture.HEAD_REGEX));
        bundle.modules().heads().get(task).asMap().forEach(theta::put);
        return Evaluation.predict(arch, theta, task, split.head(n));
    }
}
