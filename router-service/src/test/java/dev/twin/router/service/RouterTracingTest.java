package dev.twin.router.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.router.tracing.RouterSpans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The router's spans with tracing on (in-memory exporter): a twin.requests record's traceparent header and a REST
 * call's traceparent header are continued by the request's span, whose context travels in its RoutedItem; the
 * micro-batch span is the routed record's traceparent header and links to the request span.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SyntheticBundle.class, restrictToAnnotatedClass = true)
class RouterTracingTest {
    private static final String KAFKA_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String KAFKA_PARENT = "00f067aa0ba902b7";
    private static final String REST_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String REST_PARENT = "b7ad6b7169203331";

    @Inject
    InMemorySpanExporter spans;

    private static float[] row(int i) {
        TaskData task = SyntheticBundle.suite().tasks().get(0);
        Split s = task.test();
        float[] x = new float[s.dim()];
        System.arraycopy(s.x(), i * s.dim(), x, 0, s.dim());
        return x;
    }

    @Test
    void aKafkaRecordsTraceGoesOnInItsRequestSpanAndRoutedItem() throws Exception {
        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            p.send(Topics.record("twin.requests", "trc-k", RouterServiceTest.jsonRequest("trc-k", null, row(0))
                            .getBytes(StandardCharsets.UTF_8), "content-type", "application/json",
                    "traceparent", "00-" + KAFKA_TRACE + "-" + KAFKA_PARENT + "-01")).get();
        }
        ConsumerRecord<byte[], byte[]> routed = routedRecordOf("trc-k");
        SpanData request = await(s -> s.getName().equals(RouterSpans.REQUEST)
                && "trc-k".equals(s.getAttributes().get(RouterSpans.REQUEST_ID)));
        assertEquals(KAFKA_TRACE, request.getTraceId(), "the producer's trace goes on");
        assertEquals(KAFKA_PARENT, request.getParentSpanId(), "under the producer's span");
        assertEquals(SpanKind.CONSUMER, request.getKind());
        assertEquals("kafka", request.getAttributes().get(RouterSpans.CHANNEL));
        assertEquals("twin.requests", request.getAttributes().get(
                io.opentelemetry.api.common.AttributeKey.stringKey("messaging.destination.name")));
        assertEquals("00-" + KAFKA_TRACE + "-" + request.getSpanId() + "-01", item(routed, "trc-k").getTraceparent(),
                "the routed item carries the request span");
        assertBatchLinks(routed, request);
    }

    @Test
    void aRestCallsTraceGoesOnThroughItsServerSpanAndRequestSpan() throws Exception {
        CompletableFuture<Integer> call = CompletableFuture.supplyAsync(() -> given()
                .header("traceparent", "00-" + REST_TRACE + "-" + REST_PARENT + "-01")
                .contentType("application/json").body(RouterServiceTest.jsonRequest("trc-r", null, row(1)))
                .post("/v2/models/twin/infer").statusCode());
        ConsumerRecord<byte[], byte[]> routed = routedRecordOf("trc-r");
        // a stand-in merger answers on the router's reply topic with the item's correlation, so that the call (and
        // its server span) ends
        RoutedItem answered = item(routed, "trc-r");
        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            p.send(Topics.record(answered.getReplyTo(), "trc-r", "{\"id\":\"trc-r\"}".getBytes(StandardCharsets.UTF_8),
                    "content-type", "application/json", "twin-correlation", answered.getCorrelation())).get();
        }
        assertEquals(200, call.get());
        SpanData request = await(s -> s.getName().equals(RouterSpans.REQUEST)
                && "trc-r".equals(s.getAttributes().get(RouterSpans.REQUEST_ID)));
        SpanData server = await(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(REST_TRACE));
        assertEquals(REST_PARENT, server.getParentSpanId(), "the server span continues the client's trace");
        assertEquals(server.getSpanId(), request.getParentSpanId(), "the request span is the server span's child");
        assertEquals(SpanKind.INTERNAL, request.getKind());
        assertEquals("rest", request.getAttributes().get(RouterSpans.CHANNEL));
        assertEquals(1L, request.getAttributes().get(RouterSpans.ROWS));
        assertEquals("00-" + REST_TRACE + "-" + request.getSpanId() + "-01", item(routed, "trc-r").getTraceparent());
        assertBatchLinks(routed, request);
    }

    /** The routed record's traceparent header is a batch span, a root, linked to the request span. */
    private void assertBatchLinks(ConsumerRecord<byte[], byte[]> routed, SpanData request) throws Exception {
        String header = Topics.header(routed, "traceparent");
        SpanData batch = await(s -> s.getName().equals(RouterSpans.BATCH)
                && header.equals("00-" + s.getTraceId() + "-" + s.getSpanId() + "-01"));
        assertFalse(batch.getParentSpanContext().isValid(), "a batch serves many traces: a root");
        assertTrue(batch.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId().equals(request.getSpanId())
                && l.getSpanContext().getTraceId().equals(request.getTraceId())), "linked to the request span");
        assertTrue(batch.getAttributes().get(RouterSpans.BATCH_REQUESTS) >= 1);
    }

    private static ConsumerRecord<byte[], byte[]> routedRecordOf(String id) {
        List<ConsumerRecord<byte[], byte[]>> found = Topics.read("twin.routed", r -> {
            try {
                return RoutedBatch.parseFrom(r.value()).getItemsList().stream()
                        .anyMatch(i -> i.getRequestId().equals(id));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return false;
            }
        }, 1, Duration.ofSeconds(30));
        assertEquals(1, found.size(), "routed records of " + id);
        return found.get(0);
    }

    private static RoutedItem item(ConsumerRecord<byte[], byte[]> r, String id) throws Exception {
        return RoutedBatch.parseFrom(r.value()).getItemsList().stream().filter(i -> i.getRequestId().equals(id))
                .findFirst().orElseThrow();
    }

    private SpanData await(Predicate<SpanData> which) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            List<SpanData> found = spans.getFinishedSpanItems().stream().filter(which).toList();
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "one matching span: " + found);
                return found.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching span among " + spans.getFinishedSpanItems());
    }
}
