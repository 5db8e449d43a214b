package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.GrpcClient;
import dev.twin.cli.traffic.OipMessages;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.it.OtlpReceiver.SpanData;
import dev.twin.proto.inference.ModelInferResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tracing through the real stack (KRaft broker, router, merger, executor as processes) into an OTLP/gRPC receiver in
 * this JVM: requests sent at once over REST, gRPC and Kafka share micro-batches and executor calls, yet each
 * request's spans form one trace spanning the three services, a single tree under the caller's span, holding only
 * that request's spans; the batch spans link to the requests they carry.
 */
class TracingEndToEndTest {
    private static final int PER_CHANNEL = 3;
    private static final Set<String> SERVICES = Set.of("twin-router", "twin-merger", "twin-executor");
    private static final Random RANDOM = new Random(7);
    private static OtlpReceiver receiver;
    private static Path work;
    private static TaskSuite suite;
    private static StackRecord stack;

    @BeforeAll
    static void up() throws Exception {
        receiver = new OtlpReceiver();
        Path root = Files.createTempDirectory(Path.of("target"), "tracing-").toAbsolutePath();
        suite = SyntheticBundle.suite();
        Bundle bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        // export every 100 ms instead of 5 s so that the test does not wait on the batch span processor
        // synchronous calls wait out a cold start on a loaded machine (first batches, first forward passes)
        stack = Stack.up(bundle.dir(), work, Stack.Options.defaults().withTracing(receiver.endpoint())
                .withAll("quarkus.otel.bsp.schedule.delay", "100ms")
                .withRouter("twin.router.sync-timeout-ms", "90000"), System.out);
    }

    @AfterAll
    static void down() throws Exception {
        if (work != null) {
            Stack.down(work);
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** A request and the W3C context its client sent ("" span id: the client sent none). */
    private record Sent(TrafficItem item, String traceId, String clientSpanId) {
    }

    @Test
    @Timeout(240)
    void eachRequestsSpansFormOneTreeAcrossRouterMergerAndExecutor() throws Exception {
        List<Sent> sent = new ArrayList<>();
        List<CompletableFuture<?>> answers = new ArrayList<>();
        Map<String, Header> resultTraceparents = new LinkedHashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        try (GrpcClient grpc = new GrpcClient(stack.endpoints().grpc());
             KafkaProducer<byte[], byte[]> producer = producer();
             KafkaConsumer<byte[], byte[]> results = resultsConsumer()) {
            for (int i = 0; i < PER_CHANNEL; i++) {
                // REST with a client traceparent: the router's server span continues the client's trace
                Sent rest = new Sent(item("rest-" + i, i, Channel.GRPC), hex(16), hex(8)); // a synchronous call
                sent.add(rest);
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(stack.endpoints().http() + "/v2/models/"
                                        + stack.endpoints().model() + "/infer")).timeout(Duration.ofSeconds(60))
                                .header("content-type", OipMessages.JSON).header("traceparent", traceparent(rest))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(OipMessages.json(rest.item()))).build(),
                        HttpResponse.BodyHandlers.ofString()).thenAccept(r -> assertEquals(200, r.statusCode(),
                        r.body())));
                // gRPC without one: the router's server span starts the trace
                Sent g = new Sent(item("grpc-" + i, i, Channel.GRPC), null, "");
                sent.add(g);
                CompletableFuture<ModelInferResponse> answer = new CompletableFuture<>();
                grpc.infer(OipMessages.proto(g.item(), stack.endpoints().model()), 60_000, answer::complete,
                        answer::completeExceptionally);
                answers.add(answer);
                // Kafka with a traceparent header: the router's consumer span continues the producer's trace
                Sent k = new Sent(item("kafka-" + i, i, Channel.KAFKA), hex(16), hex(8));
                sent.add(k);
                ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>("twin.requests",
                        k.item().id().getBytes(StandardCharsets.UTF_8), OipMessages.json(k.item()));
                rec.headers().add("content-type", OipMessages.JSON.getBytes(StandardCharsets.UTF_8));
                rec.headers().add("traceparent", traceparent(k).getBytes(StandardCharsets.UTF_8));
                producer.send(rec);
            }
            producer.flush();
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (resultTraceparents.size() < PER_CHANNEL && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("kafka-")) {
                        resultTraceparents.put(key, r.headers().lastHeader("traceparent"));
                    }
                }
            }
        }
        assertEquals(PER_CHANNEL, resultTraceparents.size(), "Kafka results received: " + resultTraceparents.keySet());

        // spans are exported in batches by each service: wait until every request's trace is complete (bounded)
        List<SpanData> all = receiver.await(spans -> sent.stream().allMatch(s -> complete(spans, s)), 60);

        for (Sent s : sent) {
            String id = s.item().id();
            SpanData request = only(all, "twin.router.request", id);
            String traceId = request.traceId();
            if (s.traceId() != null) {
                assertEquals(s.traceId(), traceId, id + ": the router continued the client's trace");
            }
            List<SpanData> trace = all.stream().filter(x -> x.traceId().equals(traceId)).toList();
            describe(id, trace);

            // one tree: every parent resolves inside the trace except the root's, which is the client's span
            Set<String> spanIds = trace.stream().map(SpanData::spanId).collect(Collectors.toSet());
            List<SpanData> roots = trace.stream().filter(x -> !spanIds.contains(x.parentSpanId())).toList();
            assertEquals(1, roots.size(), id + ": one root in " + trace);
            assertEquals(s.clientSpanId(), roots.get(0).parentSpanId(), id + ": the root's parent is the caller's");
            assertEquals(SERVICES, trace.stream().map(SpanData::service).collect(Collectors.toSet()),
                    id + ": spans of the three services");
            // only this request's spans, whatever batches and calls it shared
            trace.stream().map(x -> x.attribute("twin.request.id")).filter(v -> v != null)
                    .forEach(v -> assertEquals(id, v, "a span of another request in " + id + "'s trace"));

            // the stages in order: router request -> merger item -> executor rows
            SpanData item = only(trace, "twin.merger.item", id);
            SpanData rows = only(trace, "twin.executor.rows", id);
            assertEquals(request.spanId(), item.parentSpanId(), id + ": merger item under the router request");
            assertEquals(item.spanId(), rows.parentSpanId(), id + ": executor rows under the merger item");
            assertEquals("twin-router", request.service());
            assertEquals("twin-merger", item.service());
            assertEquals("twin-executor", rows.service());
            SpanData root = roots.get(0);
            switch (s.item().id().split("-")[0]) {
                case "rest" -> {
                    assertEquals("SPAN_KIND_SERVER", root.kind(), id + ": root is the router's HTTP server span");
                    assertEquals(root.spanId(), request.parentSpanId(), id + ": request span under the server span");
                }
                case "grpc" -> {
                    // gRPC shares the HTTP port: the HTTP/2 request's server span holds the gRPC server span
                    assertEquals("SPAN_KIND_SERVER", root.kind(), id + ": root is the router's HTTP server span");
                    SpanData rpc = trace.stream().filter(x -> x.spanId().equals(request.parentSpanId())).findFirst()
                            .orElseThrow();
                    assertEquals("inference.GRPCInferenceService/ModelInfer", rpc.name(), id);
                    assertEquals("SPAN_KIND_SERVER", rpc.kind(), id);
                    assertEquals(root.spanId(), rpc.parentSpanId(), id);
                }
                default -> {
                    assertEquals(request, root, id + ": root is the router's consumer span");
                    assertEquals("SPAN_KIND_CONSUMER", root.kind());
                    Header h = resultTraceparents.get(id);
                    assertNotNull(h, id + ": the result record carries a traceparent");
                    assertEquals("00-" + traceId + "-" + item.spanId() + "-01",
                            new String(h.value(), StandardCharsets.UTF_8), id + ": result names the merger item span");
                }
            }

            // the batch spans that carried it link to it: the router batch and the merger's executor call
            String requestLink = traceId + "/" + request.spanId();
            SpanData batch = all.stream().filter(x -> x.name().equals("twin.router.batch")
                    && x.links().contains(requestLink)).findFirst().orElseThrow(() -> new AssertionError(
                    id + ": no router batch span links to the request span"));
            assertTrue(item.links().contains(batch.traceId() + "/" + batch.spanId()),
                    id + ": the merger item links to the routed record's batch span " + item.links());
            String itemLink = traceId + "/" + item.spanId();
            SpanData call = all.stream().filter(x -> x.name().equals("twin.merger.execute")
                    && x.links().contains(itemLink)).findFirst().orElseThrow(() -> new AssertionError(
                    id + ": no executor call span links to the merger item"));
            assertNotNull(call.attribute("twin.executor"), id + ": the call names its executor");
            // the rows span links to the executor's server span of the call, which is under the call span (gRPC
            // metadata; the HTTP/2 request and the gRPC call each get a server span, both continuing the metadata)
            assertEquals(1, rows.links().size(), id + ": " + rows.links());
            SpanData server = all.stream().filter(x -> rows.links().get(0).equals(x.traceId() + "/" + x.spanId()))
                    .findFirst().orElseThrow(() -> new AssertionError(id + ": linked span not exported"));
            assertEquals("twin-executor", server.service(), id);
            assertEquals("SPAN_KIND_SERVER", server.kind(), id);
            assertEquals("twin.executor.Executor/Execute", server.name(), id);
            assertEquals(call.traceId(), server.traceId(), id + ": the executor's server span is in the call's trace");
            assertEquals(call.spanId(), server.parentSpanId(), id + ": under the merger's call span");
        }
    }

    /** Whether the request's trace holds its executor span and a single root under the caller's span. */
    private static boolean complete(List<SpanData> spans, Sent s) {
        String id = s.item().id();
        Optional<SpanData> rows = spans.stream().filter(x -> x.name().equals("twin.executor.rows")
                && id.equals(x.attribute("twin.request.id"))).findFirst();
        if (rows.isEmpty()) {
            return false;
        }
        List<SpanData> trace = spans.stream().filter(x -> x.traceId().equals(rows.get().traceId())).toList();
        Set<String> spanIds = trace.stream().map(SpanData::spanId).collect(Collectors.toSet());
        List<SpanData> roots = trace.stream().filter(x -> !spanIds.contains(x.parentSpanId())).toList();
        return roots.size() == 1 && roots.get(0).parentSpanId().equals(s.clientSpanId());
    }

    private static SpanData only(List<SpanData> spans, String name, String requestId) {
        List<SpanData> found = spans.stream().filter(x -> x.name().equals(name)
                && requestId.equals(x.attribute("twin.request.id"))).toList();
        assertEquals(1, found.size(), "one " + name + " span of " + requestId + ": " + found);
        return found.get(0);
    }

    private static void describe(String id, List<SpanData> trace) {
        System.out.println(id + ": " + trace.stream().map(x -> x.service() + " " + x.name() + " " + x.spanId() + "<-"
                + (x.parentSpanId().isEmpty() ? "root" : x.parentSpanId())).toList());
    }

    private static TrafficItem item(String id, int i, Channel channel) {
        TaskData task = suite.tasks().get(i % suite.tasks().size());
        float[] x = new float[task.test().dim()];
        System.arraycopy(task.test().x(), i * x.length, x, 0, x.length);
        return new TrafficItem(id, task.name(), -1, x, channel);
    }

    private static String traceparent(Sent s) {
        return "00-" + s.traceId() + "-" + s.clientSpanId() + "-01";
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<byte[], byte[]> resultsConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "tracing-test");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        c.subscribe(List.of("twin.results"));
        return c;
    }
}
