package dev.twin.merger.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.merger.KafkaAndBundle;
import dev.twin.merger.executor.FakeExecutor;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.proto.tensor.Fp32;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The merger's spans on an embedded broker, the executor played in-process: a routed record of two requests from two
 * traces (as the router writes it: a traceparent per item, the batch's in the header) gives each item a span under its
 * own request's span, linked to the batch; the one executor call that serves both is a root span linked to both
 * items and carried in gRPC metadata (the in-process executor's server span is its child); each row of the call and
 * each result record carries its item span's traceparent.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndBundle.class)
class MergerTracingTest {
    // made-up client contexts (W3C format: 16-byte trace id, 8-byte span id)
    private static final String[][] REQUESTS = {
            {"tr-0", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"},
            {"tr-1", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"}};
    private static final String BATCH_TRACE = "5b8efff798038103d269b633813fc60c";
    private static final String BATCH_SPAN = "eee19b7ec3c1b174";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void eachItemContinuesItsRequestsTraceAndTheCallLinksThem() throws Exception {
        TaskData task = KafkaAndBundle.suite().tasks().get(0);
        Split test = task.test();
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey("static").setRowSize(test.dim())
                .setRows(Fp32.encode(Arrays.copyOfRange(test.x(), 0, 2 * test.dim())));
        Map<String, Float> zeros = new HashMap<>();
        KafkaAndBundle.suite().tasks().forEach(t -> zeros.put(t.name(), 0f));
        b.putAllMergeWeights(zeros);
        for (String[] r : REQUESTS) {
            b.addItems(RoutedItem.newBuilder().setRequestId(r[0]).setTask(task.name()).setEncoding(Encoding.JSON)
                    .setTraceparent("00-" + r[1] + "-" + r[2] + "-01"));
        }
        produce(b.build(), "00-" + BATCH_TRACE + "-" + BATCH_SPAN + "-01");
        Map<String, String> resultTraceparents = results();

        List<SpanData> items = awaitSpans(MergerSpans.ITEM, 2);
        SpanData call = awaitSpans(MergerSpans.EXECUTE, 1).get(0);
        ExecuteRequest sent = FakeExecutor.REQUESTS.stream()
                .filter(q -> q.getRowsList().stream().anyMatch(r -> r.getRequestId().equals("tr-0")))
                .findFirst().orElseThrow();
        Map<String, String> rowTraceparents = sent.getRowsList().stream()
                .collect(Collectors.toMap(Row::getRequestId, Row::getTraceparent));
        for (String[] r : REQUESTS) {
            SpanData item = items.stream().filter(s -> r[0].equals(s.getAttributes().get(MergerSpans.REQUEST_ID)))
                    .findFirst().orElseThrow();
            assertEquals(r[1], item.getTraceId(), r[0] + ": the item continues its request's trace");
            assertEquals(r[2], item.getParentSpanId(), r[0] + ": under the router's request span");
            assertEquals(SpanKind.CONSUMER, item.getKind());
            assertEquals(List.of(BATCH_TRACE + "/" + BATCH_SPAN), links(item), r[0] + ": linked to the batch");
            String own = "00-" + r[1] + "-" + item.getSpanId() + "-01";
            assertEquals(own, rowTraceparents.get(r[0]), r[0] + ": the executor row carries the item span");
            assertEquals(own, resultTraceparents.get(r[0]), r[0] + ": the result record carries the item span");
            assertTrue(links(call).contains(r[1] + "/" + item.getSpanId()), r[0] + ": the call links to the item");
            assertTrue(item.hasEnded());
        }
        assertFalse(call.getParentSpanContext().isValid(), "the call coalesces two traces: a root of its own");
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals("localhost:18592", call.getAttributes().get(MergerSpans.EXECUTOR), "the executor that answered");
        assertEquals(2L, call.getAttributes().get(MergerSpans.ROWS));
        // the in-process executor's gRPC server span: a child of the call, through the call's metadata (the HTTP/2
        // request's server span, a sibling on the shared port, continues it too)
        List<SpanData> server = awaitSpans(s -> s.getKind() == SpanKind.SERVER
                && s.getName().equals("twin.executor.Executor/Execute")
                && s.getParentSpanId().equals(call.getSpanId()), 1);
        assertEquals(call.getTraceId(), server.get(0).getTraceId());
    }

    private static List<String> links(SpanData s) {
        return s.getLinks().stream().map(LinkData::getSpanContext).map(c -> c.getTraceId() + "/" + c.getSpanId())
                .toList();
    }

    private List<SpanData> awaitSpans(String name, int count) throws InterruptedException {
        return awaitSpans(s -> s.getName().equals(name) && (!name.equals(MergerSpans.ITEM)
                || String.valueOf(s.getAttributes().get(MergerSpans.REQUEST_ID)).startsWith("tr-"))
                && (!name.equals(MergerSpans.EXECUTE) || s.getLinks().stream().anyMatch(l -> l.getSpanContext()
                .getTraceId().equals(REQUESTS[0][1]))), count);
    }

    private List<SpanData> awaitSpans(java.util.function.Predicate<SpanData> which, int count)
            throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<SpanData> found = List.of();
        while (System.nanoTime() < end) {
            found = spans.getFinishedSpanItems().stream().filter(which).toList();
            if (found.size() >= count) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(count, found.size(), "spans: " + found);
        return found;
    }

    private static void produce(RoutedBatch batch, String traceparent) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>("twin.routed", "static#tr", batch.toByteArray());
            r.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
            producer.send(r).get();
        }
    }

    /** The traceparent header of the results of the test's requests, by request id. */
    private static Map<String, String> results() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of("twin.results"));
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (out.size() < REQUESTS.length && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith("tr-")) {
                        var h = r.headers().lastHeader("traceparent");
                        out.put(r.key(), h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertEquals(REQUESTS.length, out.size(), "results of " + out.keySet());
        return out;
    }
}
