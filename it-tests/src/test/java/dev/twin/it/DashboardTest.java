package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.KafkaClient;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.it.browser.Chromium;
import dev.twin.it.browser.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live dashboard in a real headless Chromium while the stack serves mixed Kafka/gRPC traffic (strategy lattice,
 * so that clusters are materialized and cached) and bad Kafka records: every chart fills from the server-sent frames,
 * the mixture shows the bundle's tasks, the DLQ table the reasons sent; and each service's /q/metrics counts exactly
 * the traffic that was sent.
 */
class DashboardTest {
    private static final String[] CHARTS = {"throughput", "latency", "mixture", "clusters", "cache", "paths",
            "executors", "dlq"};
    private Path work;

    @AfterEach
    void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    @Test
    @Timeout(420)
    void chartsFillInHeadlessChromiumWhileTrafficRunsAndMetricsCountTheTraffic() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "dashboard-").toAbsolutePath();
        TaskSuite suite = SyntheticBundle.suite();
        Bundle bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        StackRecord stack = Stack.up(bundle.dir(), work, Stack.Options.defaults()
                .withRouter("twin.router.grouping.strategy", "lattice")
                .withMerger("twin.merger.cluster-execution", "materialized")
                .withRouter("twin.router.grouping.cluster-records", "per-cluster")
                .withRouter("twin.router.dashboard.interval-ms", "500")
                .withRouter("twin.router.max-payload-bytes", "65536"), System.out); // BadInputs' oversized record
        String http = stack.endpoints().http();

        // traffic in rounds until the page has seen enough of it
        AtomicBoolean stop = new AtomicBoolean();
        List<TrafficResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger round = new AtomicInteger();
        Thread traffic = new Thread(() -> {
            while (!stop.get()) {
                List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 40, round.get(), "r" + round.getAndIncrement());
                results.add(TrafficRun.run(plan, stack.endpoints().bootstrap(), stack.endpoints().grpc(),
                        stack.endpoints().model(), new TrafficRun.Settings(16, Duration.ofSeconds(90), 60_000,
                                false), System.out));
            }
        }, "dashboard-traffic");
        traffic.start();
        String task = suite.tasks().get(0).name();
        try (KafkaClient kafka = new KafkaClient(stack.endpoints().bootstrap(), KafkaClient.DEFAULT_TOPICS)) {
            BadInputs.sendKafka(kafka, task);
            kafka.flush();
        }

        JsonNode state;
        try (Chromium browser = Chromium.open(http + "/dashboard/", root.resolve("chromium"), 1280, 1500)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                state = browser.evaluate(PAGE_STATE);
                if (allFilled(state) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            Files.write(root.resolve("dashboard.png"), browser.screenshot());
            System.out.println("page state " + state + "; screenshot " + root.resolve("dashboard.png"));
        } finally {
            stop.set(true);
            traffic.join(Duration.ofSeconds(120).toMillis());
        }

        for (String chart : CHARTS) {
            assertTrue(state.path(chart).path("filled").asBoolean(), chart + " chart did not fill: " + state);
            assertTrue(state.path(chart).path("points").asInt() >= 3, chart + " chart has under 3 frames: " + state);
            assertTrue(chart.equals("dlq") || state.path(chart).path("canvas").asBoolean(), chart + " drew no plot");
        }
        assertTrue(state.path("frames").asInt() >= 3, "frames received: " + state);
        assertEquals(suite.tasks().stream().map(TaskData::name).sorted().toList(),
                sorted(state.path("mixture").path("series")), "one mixture series per task of the bundle");
        assertTrue(sorted(state.path("executors").path("series")).contains("executor-service rows/s"),
                "executor series: " + state);
        String dlq = state.path("dlq").path("text").asText();
        for (String reason : List.of("router/not_json", "router/not_protobuf", "router/unknown_task",
                "router/bad_reply_to", "router/not_finite")) {
            assertTrue(dlq.contains(reason), "DLQ table lacks " + reason + ": " + dlq);
        }

        // the services' own endpoints count exactly what was sent (a fresh stack: every counter starts at 0)
        Map<Channel, Long> sent = new TreeMap<>();
        long answered = 0;
        for (TrafficResult r : results) {
            assertEquals(List.of(), r.unanswered().stream().map(TrafficItem::id).toList(), "unanswered");
            r.items().forEach(i -> sent.merge(i.channel(), 1L, Long::sum));
            answered += r.answers().size();
        }
        Metrics router = Metrics.scrape(http + "/q/metrics");
        String mergerUrl = "http://127.0.0.1:" + stack.service("merger-service").port() + "/q/metrics";
        Metrics merger = Metrics.scrape(mergerUrl);
        // the merger counts a result once the broker acknowledged it, which may be just after the client read it
        for (int i = 0; i < 50 && merger.sum("twin_merger_results_total", "outcome", "ok") < answered; i++) {
            Thread.sleep(200);
            merger = Metrics.scrape(mergerUrl);
        }
        Metrics executor = Metrics.scrape("http://127.0.0.1:" + stack.service("executor-service").port()
                + "/q/metrics");
        assertEquals(sent.get(Channel.KAFKA), (long) router.sum("twin_router_requests_total", "channel", "kafka",
                "outcome", "routed"), "Kafka requests routed");
        assertEquals(sent.get(Channel.GRPC), (long) router.sum("twin_router_requests_total", "channel", "grpc",
                "outcome", "routed"), "gRPC requests routed");
        assertEquals(sent.get(Channel.GRPC), (long) router.sum("twin_router_responses_total", "channel", "grpc",
                "outcome", "ok"), "gRPC calls answered");
        assertEquals(BadInputs.kafka(task).size(), (long) router.sum("twin_dlq_records_total", "stage", "router"),
                "bad Kafka records dead-lettered by the router");
        assertEquals(answered, (long) merger.sum("twin_merger_results_total", "outcome", "ok"), "results written");
        long rows = sent.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(rows, (long) merger.sum("twin_merger_call_rows_sum", "path", "materialized"),
                "rows served on materialized sets (lattice)");
        assertEquals(rows, (long) executor.sum("twin_executor_batch_rows_sum", "path", "materialized"),
                "rows the executor ran on installed sets");
        double misses = merger.sum("twin_merger_cache_misses_total");
        double materialized = merger.sum("twin_merger_materialize_seconds_count");
        assertTrue(misses >= 1 && materialized == misses, "one materialization per cache miss: " + misses
                + " misses, " + materialized + " materializations");
        assertTrue(merger.sum("twin_merger_cache_hits_total") > 0, "lattice keys repeat: cache hits");
        assertEquals(0.0, executor.sum("twin_executor_queue_depth"), "queue drained after the traffic");
        assertTrue(router.has("kafka_consumer_fetch_manager_records_lag_max")
                && merger.has("kafka_consumer_fetch_manager_records_lag_max"), "Kafka consumer lag exported");
        System.out.printf("dashboard test: %d requests %s, %d answered, %d cache misses%n", rows, sent, answered,
                (long) misses);
    }

    // the page's state as its DOM and charts expose it
    private static final String PAGE_STATE = """
            (() => {
              // the page target exists before its document is parsed (on a loaded machine, seconds before): not yet
              if (!document.body) {
                return {frames: 0};
              }
              const out = {frames: Number(document.body.dataset.frames)};
              for (const s of document.querySelectorAll("section.chart")) {
                out[s.id] = {points: Number(s.dataset.points), filled: s.dataset.filled === "true",
                             series: (typeof charts !== "undefined" && charts[s.id]) ? charts[s.id].labels : [],
                             canvas: s.querySelector("canvas") !== null, text: s.innerText};
              }
              return out;
            })()""";

    private static boolean allFilled(JsonNode state) {
        for (String chart : CHARTS) {
            if (!state.path(chart).path("filled").asBoolean() || state.path(chart).path("points").asInt() < 3) {
                return false;
            }
        }
        return true;
    }

    private static List<String> sorted(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }
}
