package dev.twin.merger.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The merger's meters (README lists them): records polled and items answered, poll→result latency, poll and call
 * sizes by serving path (factored, materialized, shared), merged-set cache counters and bytes, materialization and
 * install times, executor calls and their load per executor, and DLQ records by reason class. Tags are
 * low-cardinality (the cache's meters are {@link CacheMeters}): route/path, outcome, executor address (a handful), reason class.
 */
// at start, so that the meters exist (at 0) before the first event
@Startup
@ApplicationScoped
public class MergerMetrics {
    // histogram buckets: latencies 1 ms .. 10 s, sizes 1 .. 2048 (powers of two)
    private static final Duration[] LATENCY_BUCKETS = millis(1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200,
            300, 500, 750, 1000, 2000, 5000, 10000);
    private static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};

    private final MeterRegistry registry;
    private final DistributionSummary pollRecords;
    private final Timer materialize;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public MergerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pollRecords = DistributionSummary.builder("twin.merger.poll.records")
                .description("twin.routed records per poll (the merger's micro-batch)")
                .serviceLevelObjectives(SIZES).register(registry);
        this.materialize = Timer.builder("twin.merger.materialize")
                .description("time to materialize one merged weight set theta(w) on a cache miss")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    /** The time work started (pass it back when it is done). */
    public long start() {
        return System.nanoTime();
    }

    /** One poll of twin.routed handed to the merger. */
    public void polled(int records) {
        pollRecords.record(records);
    }

    /** One checked record, by route (exact, static, grouped). */
    public void record(String route) {
        counter("twin.merger.records", "twin.routed records accepted, by route", "route", route).increment();
    }

    /** An item answered on the results topic (outcome ok) or sent to the DLQ instead (outcome dlq). */
    public void result(String outcome, long startNanos) {
        counter("twin.merger.results", "items (requests) finished, by outcome: ok (result written) or dlq",
                "outcome", outcome).increment();
        if ("ok".equals(outcome)) {
            timer("twin.merger.process", "time from a record's poll until its item's result is acknowledged",
                    "stage", "poll_to_result").record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A record or item written to twin.dlq by this merger, by reason class. */
    public void dlq(String reasonClass) {
        counter("twin.dlq.records", "records sent to twin.dlq, by stage and reason class", "stage", "merger",
                "reason", reasonClass).increment();
    }

    /** Rows of one executor call, by serving path (factored, materialized, shared). */
    public void call(String path, int rows) {
        summaries.computeIfAbsent(path, p -> DistributionSummary.builder("twin.merger.call.rows")
                .description("rows per executor call by serving path; _sum counts the rows served that way")
                .tag("path", p).serviceLevelObjectives(SIZES).register(registry)).record(rows);
    }

    /** A call is starting on {@code executor}; close the returned handle with its outcome. */
    public ExecutorCall executorCall(String executor) {
        AtomicInteger n = inFlight.computeIfAbsent(executor, e -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder("twin.merger.executor.inflight", v, AtomicInteger::get)
                    .description("executor calls of this merger running on the executor now").tag("executor", e)
                    .register(registry);
            return v;
        });
        n.incrementAndGet();
        long t0 = System.nanoTime();
        return outcome -> {
            n.decrementAndGet();
            counter("twin.merger.executor.calls", "executor calls by executor and outcome (ok, rejected, unavailable)",
                    "executor", executor, "outcome", outcome).increment();
            timer("twin.merger.executor.call", "executor call time seen by the merger (install included)",
                    "executor", executor).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        };
    }

    /** A call on an executor; {@link #done} once with its outcome. */
    public interface ExecutorCall {
        void done(String outcome);
    }

    /** One merged set materialized in {@code nanos}. */
    public void materialized(long nanos) {
        materialize.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One merged set installed on {@code executor} in {@code nanos} (the stream of chunks and the reply). */
    public void installed(String executor, long nanos) {
        timer("twin.merger.install", "time to stream one merged set to an executor and have it installed",
                "executor", executor).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join(",", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String tag, String value) {
        return timers.computeIfAbsent(name + tag + value, k -> Timer.builder(name).description(description)
                .tag(tag, value).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }

    private static Duration[] millis(long... ms) {
        Duration[] d = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            d[i] = Duration.ofMillis(ms[i]);
        }
        return d;
    }
}
