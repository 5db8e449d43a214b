package dev.twin.router.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.router.RouterSession;
import dev.twin.core.suite.TaskData;
import dev.twin.proto.inference.GRPCInferenceService;
import dev.twin.router.dashboard.PromText;
import dev.twin.router.dashboard.PromText.Sample;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The router's meters at /q/metrics move by exactly the traffic sent: Kafka requests routed and rejected (with the
 * DLQ reason class), REST and gRPC calls answered by a stand-in merger, and the router weights' arg-max counts,
 * entropy and per-task weight sums equal to the same rows scored offline by core's RouterSession.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SyntheticBundle.class, restrictToAnnotatedClass = true)
class RouterMetricsTest {
    @GrpcClient("inference")
    GRPCInferenceService inference;

    private static List<Sample> scrape() {
        return PromText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** Σ of the samples of name whose labels include the given pairs. */
    private static double sum(List<Sample> samples, String name, String... labels) {
        double s = 0;
        for (Sample x : samples) {
            boolean match = x.name().equals(name);
            for (int i = 0; match && i < labels.length; i += 2) {
                match = labels[i + 1].equals(x.label(labels[i]));
            }
            s += match ? x.value() : 0;
        }
        return s;
    }

    private static double delta(List<Sample> before, List<Sample> after, String name, String... labels) {
        return sum(after, name, labels) - sum(before, name, labels);
    }

    /** Scrapes until the counter moved by at least {@code want} (it moves when the broker acks), at most 15 s. */
    private static List<Sample> awaitDelta(List<Sample> before, double want, String name, String... labels)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<Sample> now = scrape();
        while (delta(before, now, name, labels) < want && System.nanoTime() < end) {
            Thread.sleep(100);
            now = scrape();
        }
        return now;
    }

    @Test
    void kafkaRequestsMoveTheCountersByTheirNumberAndTheRoutingMetersMatchTheOfflineRouter() throws Exception {
        List<TaskData> tasks = SyntheticBundle.suite().tasks();
        List<float[]> rows = new ArrayList<>();
        for (TaskData t : tasks) {
            rows.add(RouterServiceTest.row(t, 0));
            rows.add(RouterServiceTest.row(t, 1));
        }
        List<Sample> before = scrape();
        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            for (int i = 0; i < rows.size(); i++) {
                p.send(Topics.record("twin.requests", "m-" + i, RouterServiceTest.jsonRequest("m-" + i, null,
                        rows.get(i)).getBytes(StandardCharsets.UTF_8), "content-type", "application/json"));
            }
            p.send(Topics.record("twin.requests", "m-bad-json", "{\"id\": ".getBytes(StandardCharsets.UTF_8),
                    "content-type", "application/json"));
            p.send(Topics.record("twin.requests", "m-bad-task", RouterServiceTest.jsonRequest("m-bad-task",
                    "no-such-task", rows.get(0)).getBytes(StandardCharsets.UTF_8), "content-type", "application/json"));
            p.flush();
        }
        List<Sample> after = awaitDelta(before, rows.size(), "twin_router_requests_total", "channel", "kafka",
                "outcome", "routed");
        after = awaitDelta(before, 2, "twin_router_requests_total", "channel", "kafka", "outcome", "rejected");

        int n = rows.size();
        assertEquals(n, delta(before, after, "twin_router_requests_total", "channel", "kafka", "outcome", "routed"));
        assertEquals(2, delta(before, after, "twin_router_requests_total", "channel", "kafka", "outcome", "rejected"));
        assertEquals(1, delta(before, after, "twin_dlq_records_total", "stage", "router", "reason", "not_json"));
        assertEquals(1, delta(before, after, "twin_dlq_records_total", "stage", "router", "reason", "unknown_task"));
        assertEquals(n, delta(before, after, "twin_router_route_seconds_count", "channel", "kafka"));
        assertEquals(n, delta(before, after, "twin_router_batch_rows_sum"), "rows handed to the router call");
        assertEquals(n, delta(before, after, "twin_router_weight_rows_total"));
        // exact: one cluster batch per micro-batch
        assertEquals(delta(before, after, "twin_router_batch_rows_count"),
                delta(before, after, "twin_router_batch_clusters_sum", "strategy", "exact"));

        // the same rows through core's router session: w = softmax(logits / T)
        Bundle bundle = Bundle.load(RouterServiceTest.bundleDir());
        double temperature = bundle.manifest().router().temperature();
        double entropy = 0;
        try (RouterSession router = RouterSession.load(RouterServiceTest.bundleDir().resolve("router.onnx"))) {
            List<String> names = router.tasks();
            double[] weightSum = new double[names.size()];
            int[] argMax = new int[names.size()];
            for (float[] x : rows) {
                float[] w = RouterSession.softmax(router.logits(x, 1)[0], temperature);
                int best = 0;
                for (int t = 0; t < w.length; t++) {
                    entropy -= w[t] > 0 ? w[t] * Math.log(w[t]) : 0;
                    weightSum[t] += w[t];
                    best = w[t] > w[best] ? t : best;
                }
                argMax[best]++;
            }
            for (int t = 0; t < names.size(); t++) {
                assertEquals(argMax[t], delta(before, after, "twin_router_argmax_total", "task", names.get(t)),
                        "arg-max count of " + names.get(t));
                assertEquals(weightSum[t], delta(before, after, "twin_router_weight_sum_total", "task",
                        names.get(t)), 1e-4, "weight sum of " + names.get(t));
            }
        }
        assertEquals(n, delta(before, after, "twin_router_weight_entropy_count"));
        assertEquals(entropy, delta(before, after, "twin_router_weight_entropy_sum"), 1e-4);
    }

    @Test
    void synchronousCallsCountByChannelAndOutcome() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        Thread merger = RouterServiceTest.merger(stop, polling);
        try {
            assertTrue(polling.await(30, TimeUnit.SECONDS));
            float[] x = RouterServiceTest.row(SyntheticBundle.suite().tasks().get(0), 2);
            List<Sample> before = scrape();
            for (int i = 0; i < 3; i++) {
                given().contentType("application/json").body(RouterServiceTest.jsonRequest("sync-m-rest-" + i, null, x))
                        .post("/v2/models/twin/infer").then().statusCode(200);
            }
            inference.modelInfer(RouterServiceTest.protoRequest("sync-m-grpc", null, x)).await()
                    .atMost(Duration.ofSeconds(30));
            given().contentType("application/json").body("{\"id\": ").post("/v2/models/twin/infer").then()
                    .statusCode(400);
            try {
                inference.modelInfer(RouterServiceTest.protoRequest("sync-m-grpc-bad", "no-such-task", x)).await()
                        .atMost(Duration.ofSeconds(30));
            } catch (StatusRuntimeException expected) {
                // INVALID_ARGUMENT: counted as rejected
            }
            List<Sample> after = scrape();
            assertEquals(3, delta(before, after, "twin_router_requests_total", "channel", "rest", "outcome", "routed"));
            assertEquals(1, delta(before, after, "twin_router_requests_total", "channel", "grpc", "outcome", "routed"));
            assertEquals(1, delta(before, after, "twin_router_requests_total", "channel", "rest", "outcome",
                    "rejected"));
            assertEquals(1, delta(before, after, "twin_router_requests_total", "channel", "grpc", "outcome",
                    "rejected"));
            assertEquals(3, delta(before, after, "twin_router_responses_total", "channel", "rest", "outcome", "ok"));
            assertEquals(1, delta(before, after, "twin_router_responses_total", "channel", "grpc", "outcome", "ok"));
            assertEquals(3, delta(before, after, "twin_router_response_seconds_count", "channel", "rest"));
            // a rejected sync call is no DLQ record
            assertEquals(0, delta(before, after, "twin_dlq_records_total"));
            // every answered call took > 0 and lies in some bucket: the +Inf bucket counts them all
            assertEquals(3, delta(before, after, "twin_router_response_seconds_bucket", "channel", "rest", "le",
                    "+Inf"));
        } finally {
            stop.set(true);
            merger.join(10_000);
        }
    }

    @Test
    void kafkaConsumerLagIsExported() {
        List<Sample> now = scrape();
        assertTrue(now.stream().anyMatch(s -> s.name().equals("kafka_consumer_fetch_manager_records_lag_max")
                && s.label("client_id").contains("requests")), "records-lag-max of the requests consumer");
    }

    @Test
    void dashboardServesItsPageUplotAndFrames() {
        given().get("/dashboard/").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"));
        given().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").then().statusCode(200);
        given().get("/dashboard/dashboard.js").then().statusCode(200);
        given().get("/dashboard/frames").then().statusCode(200).contentType("application/json");
    }

}
