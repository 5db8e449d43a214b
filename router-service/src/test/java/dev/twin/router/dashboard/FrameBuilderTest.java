package dev.twin.router.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameBuilderTest {
    private static Snapshot snapshot(long t, String router, String merger, String executor) {
        Map<String, List<PromText.Sample>> s = new LinkedHashMap<>();
        s.put("router", PromText.parse(router));
        s.put("merger", PromText.parse(merger));
        s.put("executor-1", PromText.parse(executor));
        return new Snapshot(t, s);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ratesMixtureCacheAndExecutorLoadOverTheInterval() {
        Snapshot before = snapshot(10_000, """
                twin_router_requests_total{channel="kafka",outcome="routed"} 100
                twin_router_requests_total{channel="grpc",outcome="routed"} 50
                twin_router_weight_rows_total 150
                twin_router_weight_sum_total{task="a"} 100
                twin_router_weight_sum_total{task="b"} 50
                twin_router_argmax_total{task="a"} 100
                twin_router_argmax_total{task="b"} 50
                twin_dlq_records_total{stage="router",reason="not_json"} 1
                """, """
                twin_merger_results_total{outcome="ok"} 140
                twin_merger_cache_hits_total 10
                twin_merger_cache_misses_total 5
                twin_merger_cache_bytes 1000
                """, """
                twin_executor_queue_depth 0
                twin_executor_batch_rows_sum{path="materialized"} 140
                """);
        Snapshot now = snapshot(12_000, """
                twin_router_requests_total{channel="kafka",outcome="routed"} 120
                twin_router_requests_total{channel="grpc",outcome="routed"} 70
                twin_router_weight_rows_total 190
                twin_router_weight_sum_total{task="a"} 110
                twin_router_weight_sum_total{task="b"} 80
                twin_router_argmax_total{task="a"} 110
                twin_router_argmax_total{task="b"} 80
                twin_dlq_records_total{stage="router",reason="not_json"} 3
                """, """
                twin_merger_results_total{outcome="ok"} 180
                twin_merger_cache_hits_total 16
                twin_merger_cache_misses_total 7
                twin_merger_cache_bytes 3000
                twin_dlq_records_total{stage="merger",reason="bad_record"} 2
                """, """
                twin_executor_queue_depth 3
                twin_executor_batch_rows_sum{path="materialized"} 200
                """);
        Map<String, Object> f = FrameBuilder.frame(before, now, Map.of());
        Map<String, Object> th = (Map<String, Object>) f.get("throughput");
        assertEquals(10.0, th.get("kafka"));     // 20 in 2 s
        assertEquals(10.0, th.get("grpc"));
        assertEquals(20.0, th.get("answered"));  // 40 in 2 s
        assertEquals(2.0, th.get("dlq"));        // 2 router + 2 merger in 2 s
        Map<String, Object> mix = (Map<String, Object>) f.get("mixture");
        assertEquals(10.0 / 40, mix.get("a"));   // Δsum_a / Δrows
        assertEquals(30.0 / 40, mix.get("b"));
        Map<String, Object> cache = (Map<String, Object>) f.get("cache");
        assertEquals(6.0 / 8, cache.get("hitRate"));
        assertEquals(3000.0, cache.get("bytes"));
        assertEquals(Map.of("merger/bad_record", 2.0, "router/not_json", 3.0), f.get("dlq"));
        Map<String, Object> ex = (Map<String, Object>) ((Map<String, Object>) f.get("executors")).get("executor-1");
        assertEquals(3.0, ex.get("queue"));
        assertEquals(30.0, ex.get("rowsPerS"));  // 60 rows in 2 s
        assertEquals(1, ((Map<String, Object>) f.get("executors")).size(), "only the source with a queue gauge");
        assertNull(((Map<String, Object>) ((Map<String, Object>) f.get("latency")).get("route")).get("p50"),
                "no observations: no latency point");
    }
}
