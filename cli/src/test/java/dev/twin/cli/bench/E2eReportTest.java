package dev.twin.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.traffic.Answer;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.MergerStats;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class E2eReportTest {

    private static TrafficReport closed(String label, double throughput, double p50, double p99) {
        Map<Channel, double[]> ch = new LinkedHashMap<>();
        ch.put(Channel.KAFKA, new double[]{p50, p99});
        ch.put(Channel.GRPC, new double[]{p50, p99});
        return new TrafficReport(label, 100, 100, 0, 0, 0, 0, 100 / throughput, throughput, p50, p99, ch, 1,
                new MergerStats(3, 1), Map.of("a", new TrafficReport.TaskScore(100, 100, 0.9, 0.95, 90 / 0.95)));
    }

    @Test
    void theOpenLoopBasisIsStaticsThroughputAndAbsentWithoutStatic() {
        Map<String, TrafficReport> none = Map.of();
        assertEquals(null, E2eBench.staticSaturation(none, "lattice", 1.4)); // a run of lattice alone: no basis
        assertEquals(37.3, E2eBench.staticSaturation(none, E2eReport.STATIC, 37.3)); // static itself, just measured
        Map<String, TrafficReport> withStatic = Map.of(E2eReport.STATIC, closed("static", 560, 170, 500));
        assertEquals(560.0, E2eBench.staticSaturation(withStatic, "exact", 577));
    }

    private static OpenLoopPoint point(String s, String basis, double f, double rate, double p99) {
        OpenLoopTarget t = new OpenLoopTarget(basis, f, rate, 500, null);
        return new OpenLoopPoint(s, t, 500, rate * 0.98, p99 / 2, p99, p99 * 1.5);
    }

    private static E2eReport report() {
        Map<String, TrafficReport> closed = new LinkedHashMap<>();
        closed.put("static", closed("static", 200, 20, 40));
        closed.put("exact", closed("exact", 180, 25, 60));
        closed.put("lattice", closed("lattice", 100, 50, 120));
        List<OpenLoopPoint> ol = List.of(
                point("static", OpenLoopTarget.STATIC, 0.5, 100, 10),
                point("exact", OpenLoopTarget.STATIC, 0.5, 100, 15),
                point("exact", OpenLoopTarget.OWN, 0.5, 90, 12),
                OpenLoopPoint.skipped("lattice", new OpenLoopTarget(OpenLoopTarget.STATIC, 1.0, 200, 2000,
                        "200.0/s is above 1.50× this strategy's saturation (100.0/s)")));
        KafkaRelay.Ceiling relay = new KafkaRelay.Ceiling(3100, 20000, 5000, 4000);
        EngineCeiling.Result engine = new EngineCeiling.Result(64, Map.of("static", 10000.0, "exact", 5000.0,
                "router", 8000.0));
        JfrProfile.Summary prof = new JfrProfile.Summary("router-service", Path.of("r.jfr"), 30, 10, 5,
                List.of(new JfrProfile.Entry("A.f", 20, 0.5)), List.of(new JfrProfile.Entry("B.g", 40, 1.0)));
        return new E2eReport("fashion-mnist-8", "2 cores", "2026-11-30T06:30:00Z", closed, Map.of(), ol, relay,
                engine, Map.of("static", List.of(prof)));
    }

    @Test
    void ratiosAndCeilingFractionsFromTheSameRun() {
        E2eReport r = report();
        assertEquals(1.0, r.throughputRatio("static"), 1e-12);
        assertEquals(0.9, r.throughputRatio("exact"), 1e-12); // 180 / 200
        assertEquals(0.5, r.throughputRatio("lattice"), 1e-12);
        assertEquals(1.5, r.p99Ratio(r.openLoop().get(1)), 1e-12); // 15 ms / static's 10 ms at the same rate
        assertTrue(Double.isNaN(r.p99Ratio(r.openLoop().get(2)))); // own basis: no static point to compare
        assertEquals(5000.0, r.engineCeiling("exact"), 0); // factored forward bounds exact
        assertEquals(10000.0, r.engineCeiling("lattice"), 0); // dense forward bounds the rest
    }

    @Test
    void jsonFollowsTheCliContract() {
        JsonNode j = new ObjectMapper().valueToTree(report().json(new ObjectMapper()));
        assertEquals("fashion-mnist-8", j.get("suite").asText());
        JsonNode exact = j.get("strategies").get(1);
        for (String key : List.of("label", "requests", "answered", "throughput_per_s", "normalized")) {
            assertTrue(exact.has(key), key);
        }
        assertEquals("exact", exact.get("strategy").asText());
        assertEquals(25.0, exact.get("latency_ms").get("p50").asDouble(), 0);
        assertEquals(60.0, exact.get("latency_ms").get("p99").asDouble(), 0);
        assertEquals(0.9, exact.get("throughput_ratio_to_static").asDouble(), 1e-12);
        assertEquals(180.0 / 4000, exact.get("fraction_of_kafka_relay").asDouble(), 1e-12);
        assertEquals(180.0 / 5000, exact.get("fraction_of_engine_ceiling").asDouble(), 1e-12);
        assertEquals(100.0 / 10000, j.get("strategies").get(2).get("fraction_of_engine_ceiling").asDouble(), 1e-12);

        JsonNode ol = j.get("open_loop");
        assertEquals(4, ol.size());
        JsonNode p = ol.get(1);
        assertEquals("static", p.get("basis").asText());
        assertEquals(0.5, p.get("fraction").asDouble(), 0);
        assertEquals(100.0, p.get("target_rate_per_s").asDouble(), 0);
        assertEquals(98.0, p.get("achieved_rate_per_s").asDouble(), 1e-9);
        assertEquals(7.5, p.get("latency_ms").get("p50").asDouble(), 0);
        assertEquals(15.0, p.get("latency_ms").get("p99").asDouble(), 0);
        assertEquals(22.5, p.get("latency_ms").get("p99.9").asDouble(), 0);
        assertEquals(1.5, p.get("p99_ratio_to_static").asDouble(), 1e-12);
        assertTrue(ol.get(2).get("p99_ratio_to_static").isNull());
        JsonNode skipped = ol.get(3);
        assertTrue(skipped.get("skipped").asText().startsWith("200.0/s is above"));
        assertFalse(skipped.has("latency_ms"));

        JsonNode relay = j.get("ceilings").get("kafka_relay");
        assertEquals(4000.0, relay.get("relay_records_per_s").asDouble(), 0);
        assertEquals(3100.0, relay.get("record_bytes").asDouble(), 0);
        JsonNode engine = j.get("ceilings").get("engine");
        assertEquals(64, engine.get("batch").asInt());
        assertEquals(5000.0, engine.get("exact_rows_per_s").asDouble(), 0);
        assertEquals(10000.0, engine.get("static_rows_per_s").asDouble(), 0);
        assertEquals(8000.0, engine.get("router_rows_per_s").asDouble(), 0);
        assertEquals("A.f", j.get("profiles").get(0).get("top_self").get(0).get("frame").asText());
    }

    @Test
    void tableShowsRatiosFractionsAndSkippedPoints() {
        String t = report().table();
        assertTrue(t.contains("| exact | 180.0 | 0.90 | 25.0 | 60.0 | 90.00% | 94.74 | 1 | 75.0% | 4.5% | 3.6% |"), t);
        assertTrue(t.contains("| exact | 50% of static | 100.0 | 98.0 | 7.5 | 15.0 | 22.5 | 1.50 |"), t);
        assertTrue(t.contains("| exact | 50% of own | 90.0 | 88.2 | 6.0 | 12.0 | 18.0 | – |"), t);
        assertTrue(t.contains("| lattice | 100% of static | 200.0 | skipped: 200.0/s is above"), t);
        assertTrue(t.contains("| Kafka relay (kafka-tools) | 4000 | produce 5000/s, consume 4000/s"), t);
        assertTrue(t.contains("| engine forward, exact | 5000 | in process, batch 64 |"), t);
        assertTrue(t.contains("| router scoring (router.onnx, ONNX Runtime) | 8000 | in process, batch 64 |"), t);
    }

    @Test
    void cycledOpenLoopItemsKeepTheirInputsUnderFreshIds() {
        List<TrafficItem> base = List.of(new TrafficItem("x", "a", 1, new float[]{1}, Channel.KAFKA),
                new TrafficItem("y", "b", 0, new float[]{2}, Channel.GRPC));
        List<TrafficItem> c = E2eBench.cycle(base, 5, "ol-static50");
        assertEquals(List.of("ol-static50-0", "ol-static50-1", "ol-static50-2", "ol-static50-3", "ol-static50-4"),
                c.stream().map(TrafficItem::id).toList());
        assertEquals(List.of("a", "b", "a", "b", "a"), c.stream().map(TrafficItem::task).toList());
        assertEquals(Channel.GRPC, c.get(3).channel());
        assertEquals(2f, c.get(3).input()[0], 0);
    }

    /** An interleaved run of three rounds; its ratios pair the strategies' throughputs round by round. */
    private static E2eReport rounds() {
        Map<String, TrafficReport> closed = new LinkedHashMap<>();
        closed.put("static", closed("static", 200, 20, 40));
        closed.put("exact", closed("exact", 150, 25, 60));
        Map<String, List<Double>> rounds = Map.of("static", List.of(200.0, 100.0, 300.0),
                "exact", List.of(150.0, 130.0, 330.0));
        return new E2eReport("fashion-mnist-8", "2 cores", "2026-12-01T16:30:00Z", closed, rounds, List.of(), null,
                null, Map.of());
    }

    @Test
    void withRoundsTheRatioIsTheMedianOfThePerRoundRatios() {
        E2eReport r = rounds();
        // per round 150/200, 130/100, 330/300 = 0.75, 1.3, 1.1: median 1.1 (the medians' ratio, 150/200, is 0.75)
        assertEquals(1.1, r.throughputRatio("exact"), 1e-12);
        assertEquals(1.0, r.throughputRatio("static"), 1e-12);
        JsonNode j = new ObjectMapper().valueToTree(r.json(new ObjectMapper()));
        assertEquals(3, j.get("rounds").asInt());
        JsonNode exact = j.get("strategies").get(1);
        assertEquals(1.1, exact.get("throughput_ratio_to_static").asDouble(), 1e-12);
        assertEquals(130.0, exact.get("rounds_throughput_per_s").get(1).asDouble(), 0);
        assertEquals(1.3, exact.get("rounds_ratio_to_static").get(1).asDouble(), 1e-12);
        String t = r.table();
        assertTrue(t.contains("| exact | 150.0, 130.0, 330.0 | 0.75, 1.30, 1.10 |"), t);
        assertEquals(1, new ObjectMapper().valueToTree(report().json(new ObjectMapper())).get("rounds").asInt());
    }

    @Test
    void theMedianRoundIsTheMiddleOneByThroughput() {
        List<TrafficReport> odd = List.of(closed("a", 300, 1, 2), closed("b", 100, 1, 2), closed("c", 200, 1, 2));
        assertEquals("c", InterleavedBench.medianRound(odd).label());
        List<TrafficReport> even = List.of(closed("a", 300, 1, 2), closed("b", 100, 1, 2), closed("c", 200, 1, 2),
                closed("d", 400, 1, 2));
        assertEquals("c", InterleavedBench.medianRound(even).label()); // the lower of 200 and 300
    }

    @Test
    void aRoundsRenamedItemsKeepTheirExpertsAnswers() {
        List<TrafficItem> base = List.of(new TrafficItem("x", "a", 1, new float[]{1}, Channel.KAFKA),
                new TrafficItem("y", "b", 0, new float[]{2}, Channel.GRPC));
        List<TrafficItem> round = E2eBench.cycle(base, 2, "r1-exact");
        assertEquals(Map.of("r1-exact-0", 1, "r1-exact-1", 7),
                InterleavedBench.renamed(Map.of("x", 1, "y", 7), base, round));
    }

    private static TrafficResult run(long start, double seconds, Map<String, Double> latencyMs, String... ids) {
        List<TrafficItem> items = new java.util.ArrayList<>();
        Map<String, Answer> answers = new LinkedHashMap<>();
        Map<String, Long> sent = new LinkedHashMap<>();
        for (String id : ids) {
            items.add(new TrafficItem(id, "a", 1, new float[]{1}, Channel.KAFKA));
            sent.put(id, start);
            if (latencyMs.containsKey(id)) {
                answers.put(id, new Answer(id, 1, "a", "exact", start + (long) (latencyMs.get(id) * 1e6)));
            }
        }
        return new TrafficResult(items, answers, 0, List.of(), Map.of(), sent, sent, start,
                start + (long) (seconds * 1e9));
    }

    @Test
    void anOpenLoopPointPoolsTheLatenciesOfItsRounds() {
        OpenLoopTarget t = new OpenLoopTarget(OpenLoopTarget.STATIC, 0.5, 2, 2, null);
        TrafficResult first = run(0, 1.0, Map.of("a", 10.0, "b", 20.0), "a", "b");
        TrafficResult second = run(5_000_000_000L, 1.0, Map.of("c", 30.0), "c", "d"); // d unanswered
        OpenLoopPoint p = OpenLoopPoint.measured("exact", t, List.of(first, second));
        assertEquals(3, p.answered());
        assertEquals(1.5, p.achievedPerSecond(), 1e-12); // 3 answers over 1 s + 1 s of the two runs
        assertEquals(20.0, p.p50Ms(), 1e-9); // nearest rank over 10, 20, 30
        assertEquals(30.0, p.p99Ms(), 1e-9);
        assertEquals(10.0, OpenLoopPoint.measured("exact", t, List.of(first)).p50Ms(), 1e-9);
    }

    @Test
    void theReportNamesTheNativeAllocatorTheLauncherChose() {
        assertEquals("jemalloc", E2eBench.nativeAllocator(Map.of("LD_PRELOAD",
                "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "MALLOC_MMAP_THRESHOLD_", "131072")));
        assertEquals("jemalloc (oversize_threshold:0)", E2eBench.nativeAllocator(Map.of("LD_PRELOAD",
                "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "MALLOC_CONF", "oversize_threshold:0")));
        assertEquals("glibc malloc (mmap threshold 131072)",
                E2eBench.nativeAllocator(Map.of("MALLOC_MMAP_THRESHOLD_", "131072")));
        assertEquals("glibc malloc", E2eBench.nativeAllocator(Map.of("LD_PRELOAD", "/opt/other.so")));
    }

    @Test
    void perRequestRunsOnMaterializedClustersUnlessTheRunSaysOtherwise() {
        dev.twin.cli.traffic.TrafficRun.Settings loop = new dev.twin.cli.traffic.TrafficRun.Settings(64,
                java.time.Duration.ofSeconds(60), 30_000, false);
        E2eBench.Settings plain = settings(Map.of());
        dev.twin.cli.stack.Stack.Options perRequest = E2eBench.options("per-request", plain, loop);
        assertEquals("materialized", perRequest.merger().get("twin.merger.cluster-execution"));
        assertEquals("per-cluster", perRequest.router().get("twin.router.grouping.cluster-records"));
        assertEquals("per-request", perRequest.router().get("twin.router.grouping.strategy"));
        assertEquals("30000", perRequest.router().get("twin.router.sync-timeout-ms"));
        dev.twin.cli.stack.Stack.Options lattice = E2eBench.options("lattice", plain, loop);
        assertFalse(lattice.merger().containsKey("twin.merger.cluster-execution"), "the merger's default: factored");
        assertFalse(lattice.router().containsKey("twin.router.grouping.cluster-records"), "the router's: per-batch");
        // a run's own --merger-property wins over per-request's default
        E2eBench.Settings factored = settings(Map.of("twin.merger.cluster-execution", "factored"));
        assertEquals("factored", E2eBench.options("per-request", factored, loop).merger()
                .get("twin.merger.cluster-execution"));
    }

    private static E2eBench.Settings settings(Map<String, String> mergerProperties) {
        return new E2eBench.Settings(List.of("static", "per-request"), 10, 0, 0, 64, List.of(), 0, 10, 1.5, 0, 0, 64,
                false, Path.of("."), Map.of(), mergerProperties, 1);
    }
}
