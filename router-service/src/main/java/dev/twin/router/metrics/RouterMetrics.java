package dev.twin.router.metrics;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.Problem;
import dev.twin.router.route.RouteObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's meters (README lists them): requests and synchronous responses by channel and outcome, the
 * parse→publish and end-to-end latencies, micro-batch sizes, what the router makes of the traffic (weight entropy,
 * arg-max task, the mean mixture, clusters per batch) and its DLQ records by reason. Tags are low-cardinality:
 * channel, outcome, task (the bundle's), strategy, reason class.
 */
// at start, so that the meters exist (at 0) before the first event
@Startup
@ApplicationScoped
public class RouterMetrics implements RouteObserver {
    // histogram buckets: latencies 1 ms .. 10 s, sizes 1 .. 2048 (powers of two)
    static final Duration[] LATENCY_BUCKETS = millis(1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500,
            750, 1000, 2000, 5000, 10000);
    static final double[] SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};

    private final MeterRegistry registry;
    private final String strategy;
    private final DistributionSummary batchRows;
    private final DistributionSummary entropy;
    private final DistributionSummary clusters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry, RouterConfig config) {
        this.registry = registry;
        this.strategy = config.grouping().strategy();
        this.batchRows = DistributionSummary.builder("twin.router.batch.rows")
                .description("rows per micro-batch handed to the router call")
                .serviceLevelObjectives(SIZES).register(registry);
        this.entropy = DistributionSummary.builder("twin.router.weight.entropy")
                .description("entropy -sum w ln w (nats) of each routed row's merge weights; ln(tasks) = uniform")
                .serviceLevelObjectives(0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0).register(registry);
        this.clusters = DistributionSummary.builder("twin.router.batch.clusters")
                .description("cluster batches (records on twin.routed) per micro-batch").tag("strategy", strategy)
                .serviceLevelObjectives(SIZES).register(registry);
    }

    /** The time a request arrived (pass it back when it is routed or answered). */
    public long start() {
        return System.nanoTime();
    }

    /** The request's micro-batch is on twin.routed; parse→publish latency from {@code startNanos}. */
    public void routed(Channel channel, long startNanos) {
        request(channel, "routed").increment();
        timer("twin.router.route", "time from a request's arrival (before parsing) until its batch is on twin.routed",
                channel).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** Bad input: rejected to the caller (REST 400, gRPC INVALID_ARGUMENT) or, from Kafka, sent to the DLQ. */
    public void rejected(Channel channel, Problem problem) {
        request(channel, "rejected").increment();
        if (channel == Channel.KAFKA) {
            dlq(problem.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Not served for a reason other than its input (not ready, routing failed); from Kafka it goes to the DLQ. */
    public void failed(Channel channel, String reasonClass) {
        request(channel, "failed").increment();
        if (channel == Channel.KAFKA) {
            dlq(reasonClass);
        }
    }

    /** A synchronous call answered ({@code ok}), timed out ({@code timeout}) or failed ({@code error}). */
    public void responded(Channel channel, String outcome, long startNanos) {
        counter("twin.router.responses", "synchronous calls answered, by channel and outcome", "channel",
                channel.tag(), "outcome", outcome).increment();
        if ("ok".equals(outcome)) {
            timer("twin.router.response", "end-to-end time of answered synchronous calls (router in to result back)",
                    channel).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void routed(List<String> tasks, float[][] rowWeights, int rows, int clusterBatches) {
        batchRows.record(rows);
        clusters.record(clusterBatches);
        if (rowWeights == null) {
            return;
        }
        float[] sum = new float[tasks.size()];
        int[] argMax = new int[tasks.size()];
        for (float[] w : rowWeights) {
            double h = 0; // H(w) = -Σ w_t ln w_t
            int best = 0;
            for (int t = 0; t < w.length; t++) {
                if (w[t] > 0) {
                    h -= w[t] * Math.log(w[t]);
                }
                if (w[t] > w[best]) {
                    best = t;
                }
                sum[t] += w[t];
            }
            entropy.record(h);
            argMax[best]++;
        }
        for (int t = 0; t < tasks.size(); t++) {
            String task = tasks.get(t);
            counter("twin.router.weight.sum", "sum over routed rows of the router weight of each task (divided by "
                    + "twin_router_weight_rows_total: the mean mixture)", "task", task).increment(sum[t]);
            if (argMax[t] > 0) {
                counter("twin.router.argmax", "routed rows whose largest router weight is the task's", "task", task)
                        .increment(argMax[t]);
            }
        }
        counter("twin.router.weight.rows", "rows whose router weights were computed").increment(rowWeights.length);
    }

    /** A record this router wrote to twin.dlq, by reason class (stage = router). */
    private void dlq(String reasonClass) {
        counter("twin.dlq.records", "records sent to twin.dlq, by stage and reason class", "stage", "router",
                "reason", reasonClass).increment();
    }

    private Counter request(Channel channel, String outcome) {
        return counter("twin.router.requests", "requests received, by channel and outcome (routed, rejected, failed)",
                "channel", channel.tag(), "outcome", outcome);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join(",", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private static Duration[] millis(long... ms) {
        Duration[] d = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            d[i] = Duration.ofMillis(ms[i]);
        }
        return d;
    }

    private Timer timer(String name, String description, Channel channel) {
        return timers.computeIfAbsent(name + channel, k -> Timer.builder(name).description(description)
                .tag("channel", channel.tag()).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }
}
