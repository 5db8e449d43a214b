package dev.twin.router.dashboard;

import dev.twin.router.dashboard.PromText.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Turns two snapshots of the stack's metrics into one dashboard frame: rates and histogram quantiles over the
 * interval between them, the routing mixture of the rows routed in it, and the current values of gauges and
 * cumulative counters. Series with nothing to say in the interval are null (a gap in the chart), never invented.
 */
final class FrameBuilder {
    // Kafka's own consumer metric (Micrometer's Kafka binder): the largest partition lag of each consumer client
    static final String KAFKA_LAG = "kafka_consumer_fetch_manager_records_lag_max";

    private FrameBuilder() {
    }

    static Map<String, Object> frame(Snapshot before, Snapshot now, Map<String, String> sourceStatus) {
        double dt = Math.max(1e-3, (now.timeMs() - before.timeMs()) / 1000.0);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("t", now.timeMs());

        Map<String, Object> throughput = new LinkedHashMap<>();
        Map<String, Double> routed0 = before.byLabel("twin_router_requests_total", "channel", outcome("routed"));
        Map<String, Double> routed1 = now.byLabel("twin_router_requests_total", "channel", outcome("routed"));
        for (String ch : List.of("rest", "grpc", "kafka")) {
            throughput.put(ch, (routed1.getOrDefault(ch, 0.0) - routed0.getOrDefault(ch, 0.0)) / dt);
        }
        throughput.put("answered", rate(before, now, "twin_merger_results_total", outcome("ok"), dt));
        throughput.put("rejected", rate(before, now, "twin_router_requests_total", outcome("rejected"), dt));
        throughput.put("dlq", rate(before, now, "twin_dlq_records_total", x -> true, dt));
        f.put("throughput", throughput);

        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("route", quantiles(before, now, "twin_router_route_seconds", x -> true));
        latency.put("response", quantiles(before, now, "twin_router_response_seconds", x -> true));
        latency.put("merger", quantiles(before, now, "twin_merger_process_seconds", x -> true));
        latency.put("executor", quantiles(before, now, "twin_executor_execute_seconds", x -> true));
        f.put("latency", latency);

        Map<String, Double> sum0 = before.byLabel("twin_router_weight_sum_total", "task", x -> true);
        Map<String, Double> sum1 = now.byLabel("twin_router_weight_sum_total", "task", x -> true);
        Map<String, Double> arg0 = before.byLabel("twin_router_argmax_total", "task", x -> true);
        Map<String, Double> arg1 = now.byLabel("twin_router_argmax_total", "task", x -> true);
        // rows routed in the interval: Σ_t Δsum_t, since each row's weights sum to 1 (read from the same counters as
        // the numerators, so a scrape between a batch's counter updates cannot push a share above 1)
        double rows = 0;
        for (String task : sum1.keySet()) {
            rows += Math.max(0, sum1.get(task) - sum0.getOrDefault(task, 0.0));
        }
        Map<String, Object> mixture = new TreeMap<>();
        Map<String, Object> argmax = new TreeMap<>();
        for (String task : sum1.keySet()) {
            // mean router weight of the task over the rows routed in the interval: Δ(Σw_t) / rows
            mixture.put(task, rows > 0 ? (sum1.get(task) - sum0.getOrDefault(task, 0.0)) / rows : null);
            argmax.put(task, rows > 0 ? Math.min(1, (arg1.getOrDefault(task, 0.0) - arg0.getOrDefault(task, 0.0)) / rows)
                    : null);
        }
        f.put("mixture", mixture);
        f.put("argmax", argmax);
        f.put("entropy", mean(before, now, "twin_router_weight_entropy"));

        Map<String, Object> clusters = new LinkedHashMap<>();
        clusters.put("perBatch", mean(before, now, "twin_router_batch_clusters"));
        clusters.put("batchRows", mean(before, now, "twin_router_batch_rows"));
        clusters.put("strategy", now.sources().values().stream().flatMap(List::stream)
                .filter(s -> s.name().equals("twin_router_batch_clusters_count")).map(s -> s.label("strategy"))
                .findFirst().orElse(null));
        f.put("clusters", clusters);

        Map<String, Object> cache = new LinkedHashMap<>();
        double hits = delta(before, now, "twin_merger_cache_hits_total", x -> true);
        double misses = delta(before, now, "twin_merger_cache_misses_total", x -> true);
        cache.put("hitRate", hits + misses > 0 ? hits / (hits + misses) : null);
        cache.put("hits", now.sum("twin_merger_cache_hits_total"));
        cache.put("misses", now.sum("twin_merger_cache_misses_total"));
        cache.put("evictions", now.sum("twin_merger_cache_evictions_total"));
        cache.put("bytes", now.sum("twin_merger_cache_bytes"));
        cache.put("entries", now.sum("twin_merger_cache_entries"));
        f.put("cache", cache);

        Map<String, Object> paths = new LinkedHashMap<>();
        Map<String, Double> rows0 = before.byLabel("twin_merger_call_rows_sum", "path", x -> true);
        Map<String, Double> rows1 = now.byLabel("twin_merger_call_rows_sum", "path", x -> true);
        for (String p : List.of("factored", "materialized", "shared")) {
            paths.put(p, (rows1.getOrDefault(p, 0.0) - rows0.getOrDefault(p, 0.0)) / dt);
        }
        f.put("rows", paths);

        Map<String, Object> dlq = new TreeMap<>();
        for (List<Sample> samples : now.sources().values()) {
            for (Sample s : samples) {
                if (s.name().equals("twin_dlq_records_total")) {
                    dlq.merge(s.label("stage") + "/" + s.label("reason"), s.value(), (a, b) -> (double) a + (double) b);
                }
            }
        }
        f.put("dlq", dlq);

        Map<String, Object> executors = new TreeMap<>();
        for (Map.Entry<String, List<Sample>> e : now.sources().entrySet()) {
            List<Sample> samples = e.getValue();
            if (samples.stream().noneMatch(s -> s.name().equals("twin_executor_queue_depth"))) {
                continue;
            }
            List<Sample> prev = before.sources().getOrDefault(e.getKey(), List.of());
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("queue", Snapshot.sum(samples, "twin_executor_queue_depth", x -> true));
            load.put("rowsPerS", (Snapshot.sum(samples, "twin_executor_batch_rows_sum", x -> true)
                    - Snapshot.sum(prev, "twin_executor_batch_rows_sum", x -> true)) / dt);
            load.put("installed", Snapshot.sum(samples, "twin_executor_installed_sets", x -> true));
            executors.put(e.getKey(), load);
        }
        f.put("executors", executors);

        f.put("lag", now.byLabel(KAFKA_LAG, "client_id", x -> true));
        f.put("sources", sourceStatus);
        return f;
    }

    private static Predicate<Sample> outcome(String outcome) {
        return s -> outcome.equals(s.label("outcome"));
    }

    private static double delta(Snapshot before, Snapshot now, String name, Predicate<Sample> which) {
        return Math.max(0, now.sum(name, which) - before.sum(name, which)); // a restarted source counts from 0
    }

    private static double rate(Snapshot before, Snapshot now, String name, Predicate<Sample> which, double dt) {
        return delta(before, now, name, which) / dt;
    }

    /** Mean of a summary's observations in the interval (Δsum / Δcount), or null without any. */
    private static Double mean(Snapshot before, Snapshot now, String summary) {
        double n = delta(before, now, summary + "_count", x -> true);
        return n > 0 ? delta(before, now, summary + "_sum", x -> true) / n : null;
    }

    /** p50 and p99 in milliseconds of a seconds histogram over the interval (nulls without observations). */
    private static Map<String, Object> quantiles(Snapshot before, Snapshot now, String histogram,
                                                 Predicate<Sample> which) {
        TreeMap<Double, Double> b = before.buckets(histogram, which);
        TreeMap<Double, Double> n = now.buckets(histogram, which);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("p50", ms(Quantiles.of(0.5, b, n)));
        q.put("p99", ms(Quantiles.of(0.99, b, n)));
        return q;
    }

    private static Double ms(double seconds) {
        return Double.isNaN(seconds) ? null : seconds * 1000;
    }
}
