package dev.twin.executor.metrics;

import dev.twin.executor.weights.WeightStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
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
 * The executor's meters (README lists them): execute calls by outcome, their time and batch size by serving path
 * (factored, materialized, shared), the queue depth (execute calls received and not yet answered: the autoscaling
 * signal of deploy/k8s), install times and the installed sets. Tags: path, outcome.
 */
// at start, so that the meters exist (at 0) before the first event
@Startup
@ApplicationScoped
public class ExecutorMetrics {
    // histogram buckets: latencies 1 ms .. 10 s, sizes 1 .. 2048 (powers of two)
    private static final Duration[] LATENCY_BUCKETS = millis(1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200,
            300, 500, 750, 1000, 2000, 5000, 10000);
    private static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};

    private final MeterRegistry registry;
    private final AtomicInteger queued = new AtomicInteger();
    private final Timer install;
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Timer> times = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> rows = new ConcurrentHashMap<>();

    public ExecutorMetrics(MeterRegistry registry, WeightStore store) {
        this.registry = registry;
        Gauge.builder("twin.executor.queue.depth", queued, AtomicInteger::get)
                .description("execute calls received and not yet answered (waiting for a thread or running)")
                .register(registry);
        this.install = Timer.builder("twin.executor.install")
                .description("time from an install stream's start until the set is installed")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        FunctionCounter.builder("twin.executor.evictions", store, s -> s.counters().evictions())
                .description("installed sets evicted to stay within max-installed and max-installed-bytes")
                .register(registry);
        Gauge.builder("twin.executor.installed.bytes", store, s -> s.counters().bytes())
                .description("bytes of the installed weight sets").register(registry);
        Gauge.builder("twin.executor.installed.sets", store, s -> s.list().size())
                .description("weight sets installed").register(registry);
    }

    /** The serving path of a call: factored (per-row weights), materialized (an installed key) or shared (θ*). */
    public static String path(String key, boolean weighted) {
        return weighted ? "factored" : key.isEmpty() ? "shared" : "materialized";
    }

    /** An execute call arrived (it is answered later: {@link #dequeued}). */
    public void queued() {
        queued.incrementAndGet();
    }

    /** An execute call was answered (or cancelled). */
    public void dequeued() {
        queued.decrementAndGet();
    }

    /** The time work started (pass it back when it is done). */
    public long start() {
        return System.nanoTime();
    }

    /** One execute call finished: its path, rows, outcome (ok, rejected, error) and time since {@code startNanos}. */
    public void executed(String path, int batchRows, String outcome, long startNanos) {
        calls.computeIfAbsent(path + "," + outcome, k -> Counter.builder("twin.executor.calls")
                .description("execute calls by serving path and outcome (ok, rejected, error)")
                .tags("path", path, "outcome", outcome).register(registry)).increment();
        if (!"ok".equals(outcome)) {
            return;
        }
        times.computeIfAbsent(path, p -> Timer.builder("twin.executor.execute")
                .description("time of an answered execute call (decode, forward pass, heads), by serving path")
                .tag("path", p).serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        rows.computeIfAbsent(path, p -> DistributionSummary.builder("twin.executor.batch.rows")
                .description("rows per answered execute call by serving path; _sum counts the rows served that way")
                .tag("path", p).serviceLevelObjectives(SIZES).register(registry)).record(batchRows);
    }

    /** One weight set installed, {@code startNanos} being when its stream started. */
    public void installed(long startNanos) {
        install.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private static Duration[] millis(long... ms) {
        Duration[] d = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            d[i] = Duration.ofMillis(ms[i]);
        }
        return d;
    }
}
