package dev.twin.router.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.proto.tensor.Fp32;
import dev.twin.router.service.KafkaBroker;
import dev.twin.router.service.SyntheticBundle;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the router's three interfaces (issue 9, "Fuzzed boundaries"), against the running service
 * with a real broker and a stand-in merger that answers every routed item: thousands of mutated OIP v2 infer requests
 * over REST (JSON trees and raw bytes, content types, model names), over gRPC (ModelInferRequest fields through the
 * descriptor, and raw protobuf bytes), and as twin.requests records (values in both encodings, headers). Each case
 * must get a defined answer: a result, a 4xx / INVALID_ARGUMENT with a message, or (Kafka) exactly one DLQ record or
 * routed item; no stack trace or exception name in what a client sees; afterwards the service is live and ready
 * and answers a valid request. A failing case is reproducible from {@link #SEED} and its number.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SyntheticBundle.class, restrictToAnnotatedClass = true)
class RouterFuzzTest {
    static final long SEED = 0x7a1f_2026L;
    /** Cases per interface: 500 in the default build (CI), more with -Dtwin.fuzz.cases=N (2,000: ~80 s here). */
    static final int CASES = Integer.getInteger("twin.fuzz.cases", 500);
    static final int REST_CASES = CASES;
    static final int GRPC_CASES = CASES;
    static final int KAFKA_CASES = CASES;
    private static final String JSON = "application/json";
    private static final String PB = "application/x-protobuf";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MethodDescriptor<byte[], byte[]> MODEL_INFER = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("inference.GRPCInferenceService", "ModelInfer"))
            .setRequestMarshaller(new RawBytes()).setResponseMarshaller(new RawBytes()).build();

    private static final AtomicBoolean STOP = new AtomicBoolean();
    private static Thread merger;

    /** Raw protobuf bytes on the wire, so that malformed messages can be sent. */
    static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /** Calls in flight at once: no more than the router's bound on waiting calls, so none is refused with 429. */
    private static int concurrentCalls() {
        return Math.min(16, ConfigProvider.getConfig().getValue("twin.router.max-pending-sync", Integer.class));
    }

    private static TaskData task(int i) {
        List<TaskData> tasks = SyntheticBundle.suite().tasks();
        return tasks.get(i % tasks.size());
    }

    private static float[] row(int i) {
        Split s = task(i).test();
        int r = i % s.n();
        float[] x = new float[s.dim()];
        System.arraycopy(s.x(), r * s.dim(), x, 0, s.dim());
        return x;
    }

    static String jsonRequest(String id, String task, float[] x) {
        StringBuilder sb = new StringBuilder("{\"id\":\"").append(id).append('"');
        if (task != null) {
            sb.append(",\"parameters\":{\"task\":\"").append(task).append("\"}");
        }
        sb.append(",\"inputs\":[{\"name\":\"input\",\"shape\":[1,").append(x.length)
                .append("],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < x.length; i++) {
            sb.append(i > 0 ? "," : "").append(x[i]);
        }
        return sb.append("]}]}").toString();
    }

    static ModelInferRequest protoRequest(String id, String task, float[] x, boolean raw) {
        ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input").setDatatype("FP32").addShape(1).addShape(x.length);
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setId(id).setModelName("twin");
        if (raw) {
            b.addInputs(in).addRawInputContents(Fp32.encode(x));
        } else {
            InferTensorContents.Builder c = InferTensorContents.newBuilder();
            for (float v : x) {
                c.addFp32Contents(v);
            }
            b.addInputs(in.setContents(c));
        }
        if (task != null) {
            b.putParameters("task", InferParameter.newBuilder().setStringParam(task).build());
        }
        return b.build();
    }

    @BeforeAll
    static void startMerger() throws InterruptedException {
        java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
        merger = new Thread(() -> standInMerger(polling), "fuzz-merger");
        merger.setDaemon(true);
        merger.start();
        assertTrue(polling.await(30, TimeUnit.SECONDS), "stand-in merger did not start");
    }

    @AfterAll
    static void stopMerger() throws InterruptedException {
        STOP.set(true);
        merger.join(5000);
    }

    /**
     * Plays the merger: every routed item gets a one-value OIP answer in its encoding on its reply topic (a router's
     * own for a synchronous call, else twin.results), with the router's correlation.
     */
    private static void standInMerger(java.util.concurrent.CountDownLatch polling) {
        try (KafkaConsumer<byte[], byte[]> c = consumer("twin.routed", true);
             KafkaProducer<byte[], byte[]> p = producer()) {
            while (!STOP.get()) {
                polling.countDown();
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    RoutedBatch b = RoutedBatch.parseFrom(r.value());
                    for (RoutedItem item : b.getItemsList()) {
                        String id = item.getRequestId();
                        byte[] answer = item.getEncoding() == Encoding.JSON
                                ? MAPPER.writeValueAsBytes(Map.of("id", id, "model_name", "twin", "outputs",
                                List.of(Map.of("name", "output", "datatype", "FP32", "shape", List.of(1),
                                        "data", List.of(0.5)))))
                                : ModelInferResponse.newBuilder().setId(id).setModelName("twin")
                                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("output")
                                        .setDatatype("FP32").addShape(1)
                                        .setContents(InferTensorContents.newBuilder().addFp32Contents(0.5f)))
                                .build().toByteArray();
                        ProducerRecord<byte[], byte[]> result = new ProducerRecord<>(item.getReplyTo().isEmpty()
                                ? "twin.results" : item.getReplyTo(), id.getBytes(StandardCharsets.UTF_8), answer);
                        result.headers().add("twin-correlation", item.getCorrelation().getBytes(StandardCharsets.UTF_8));
                        p.send(result);
                    }
                }
                p.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** A consumer of every partition of topic, from its start or from its current end. */
    static KafkaConsumer<byte[], byte[]> consumer(String topic, boolean fromStart) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(parts);
        if (fromStart) {
            c.seekToBeginning(parts);
        } else {
            c.seekToEnd(parts);
            parts.forEach(c::position); // fixes the positions now, before the fuzz records are sent
        }
        return c;
    }

    // ---- REST ----------------------------------------------------------------------------------------------------

    private record RestCase(int no, String model, String contentType, byte[] body) {
        String describe() {
            return "POST /v2/models/" + model + "/infer (" + contentType + ") "
                    + new String(body, StandardCharsets.UTF_8);
        }
    }

    private static List<RestCase> restCases() {
        Mutator m = new Mutator(SEED);
        List<RestCase> cases = new ArrayList<>();
        for (int i = 0; i < REST_CASES; i++) {
            String base = jsonRequest("fz-rest-" + i, m.chance(0.3) ? task(i).name() : null, row(i));
            byte[] body;
            int kind = m.nextInt(10);
            if (kind == 0) {
                body = base.getBytes(StandardCharsets.UTF_8); // unmutated: must be answered
            } else if (kind <= 5) {
                try {
                    body = MAPPER.writeValueAsBytes(m.json(MAPPER.readTree(base)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                body = m.bytes(base.getBytes(StandardCharsets.UTF_8));
            }
            String model = m.chance(0.05) ? m.pick(List.of("other", "TWIN", "twin ", "ünï", "..", "twin%00"))
                    : "twin";
            String type = m.chance(0.1) ? m.pick(List.of("text/plain", PB, "application/json; charset=latin1", ""))
                    : JSON;
            cases.add(new RestCase(i, model, type, body));
        }
        return cases;
    }

    @Test
    void mutatedRestRequestsEachGetAResultOrA4xxWithAReason() throws Exception {
        Outcomes out = new Outcomes("REST");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Semaphore inFlight = new Semaphore(concurrentCalls());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (RestCase c : restCases()) {
            inFlight.acquire();
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/v2/models/"
                            + URLEncoder.encode(c.model(), StandardCharsets.UTF_8).replace("+", "%20") + "/infer"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
            if (!c.contentType().isEmpty()) {
                req.header("content-type", c.contentType());
            }
            all.add(http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString())
                    .handle((resp, err) -> {
                        inFlight.release();
                        checkRest(out, c, resp, err);
                        return null;
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        out.assertNoDefects();
        assertTrue(out.count("200") > REST_CASES / 20, "too few cases stayed valid to exercise the answer path");
        assertStillServing();
    }

    private static void checkRest(Outcomes out, RestCase c, HttpResponse<String> resp, Throwable err) {
        if (err != null) {
            out.defect(c.no(), "no HTTP answer: " + err, c.describe());
            return;
        }
        int status = resp.statusCode();
        String body = resp.body();
        String trace = Outcomes.traceIn(body);
        if (trace != null) {
            out.defect(c.no(), "HTTP " + status + " body shows " + trace + ": " + Outcomes.abbreviate(body, 800),
                    c.describe());
            return;
        }
        try {
            JsonNode json = MAPPER.readTree(body);
            if (status == 200 && json.has("outputs") && json.has("id")) {
                out.answer("200");
            } else if (status >= 400 && status < 500 && json.path("error").isTextual()
                    && !json.path("error").asText().isBlank()) {
                out.answer(String.valueOf(status));
            } else {
                out.defect(c.no(), "HTTP " + status + " " + Outcomes.abbreviate(body, 400), c.describe());
            }
        } catch (IOException e) {
            out.defect(c.no(), "HTTP " + status + " with a body that is not JSON: " + Outcomes.abbreviate(body, 400),
                    c.describe());
        }
    }

    // ---- gRPC ----------------------------------------------------------------------------------------------------

    private record GrpcCase(int no, String how, byte[] message) {
        String describe() {
            String parsed;
            try {
                parsed = ModelInferRequest.parseFrom(message).toString();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                parsed = "(not a valid message)";
            }
            return how + " " + message.length + " bytes: " + java.util.HexFormat.of().formatHex(message, 0,
                    Math.min(message.length, 120)) + " = " + parsed;
        }
    }

    private static List<GrpcCase> grpcCases() {
        Mutator m = new Mutator(SEED + 1);
        List<GrpcCase> cases = new ArrayList<>();
        for (int i = 0; i < GRPC_CASES; i++) {
            ModelInferRequest base = protoRequest("fz-grpc-" + i, m.chance(0.3) ? task(i).name() : null, row(i),
                    m.chance(0.5));
            int kind = m.nextInt(10);
            if (kind == 0) {
                cases.add(new GrpcCase(i, "valid", base.toByteArray()));
            } else if (kind <= 6) {
                cases.add(new GrpcCase(i, "fields", m.proto(base).toByteArray()));
            } else {
                cases.add(new GrpcCase(i, "bytes", m.bytes(base.toByteArray())));
            }
        }
        return cases;
    }

    @Test
    void mutatedGrpcRequestsEachGetAResultOrInvalidArgumentWithAReason() throws Exception {
        Outcomes out = new Outcomes("gRPC");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port()).usePlaintext()
                .maxInboundMessageSize(8 << 20).build();
        try {
            Semaphore inFlight = new Semaphore(concurrentCalls());
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (GrpcCase c : grpcCases()) {
                inFlight.acquire();
                var call = channel.newCall(MODEL_INFER, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
                var future = ClientCalls.futureUnaryCall(call, c.message());
                CompletableFuture<Void> done = new CompletableFuture<>();
                future.addListener(() -> {
                    inFlight.release();
                    try {
                        checkGrpc(out, c, future.get(), null);
                    } catch (ExecutionException e) {
                        checkGrpc(out, c, null, e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.complete(null);
                }, Runnable::run);
                all.add(done);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        out.assertNoDefects();
        assertTrue(out.count("OK") > GRPC_CASES / 20, "too few cases stayed valid to exercise the answer path");
        assertStillServing();
    }

    private static void checkGrpc(Outcomes out, GrpcCase c, byte[] reply, Throwable err) {
        if (err == null) {
            try {
                ModelInferResponse r = ModelInferResponse.parseFrom(reply);
                if (r.getOutputsCount() > 0 && !r.getId().isEmpty()) {
                    out.answer("OK");
                } else {
                    out.defect(c.no(), "OK without outputs or id: " + r, c.describe());
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                out.defect(c.no(), "OK with an unreadable response", c.describe());
            }
            return;
        }
        Status s = Status.fromThrowable(err);
        String d = s.getDescription();
        String trace = Outcomes.traceIn(d);
        if (trace != null) {
            out.defect(c.no(), s.getCode() + " description shows " + trace + ": " + Outcomes.abbreviate(d, 800),
                    c.describe());
        } else if ((s.getCode() == Status.Code.INVALID_ARGUMENT || s.getCode() == Status.Code.NOT_FOUND)
                && d != null && !d.isBlank()) {
            out.answer(s.getCode().name());
        } else {
            out.defect(c.no(), s.getCode() + " " + d, c.describe());
        }
    }

    // ---- Kafka ---------------------------------------------------------------------------------------------------

    private static final List<String> HEADER_NAMES = List.of("content-type", "reply-to", "x-trace", "traceparent",
            "twin-error", "twin-error-stage", "id");

    private static List<ProducerRecord<byte[], byte[]>> kafkaCases() {
        Mutator m = new Mutator(SEED + 2);
        List<ProducerRecord<byte[], byte[]>> cases = new ArrayList<>();
        for (int i = 0; i < KAFKA_CASES; i++) {
            String id = "fz-kafka-" + i;
            boolean json = m.chance(0.5);
            String task = m.chance(0.3) ? task(i).name() : null;
            byte[] value;
            int kind = m.nextInt(10);
            if (json) {
                String base = jsonRequest(id, task, row(i));
                try {
                    value = kind <= 1 ? base.getBytes(StandardCharsets.UTF_8)
                            : kind <= 5 ? MAPPER.writeValueAsBytes(m.json(MAPPER.readTree(base)))
                            : m.bytes(base.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                ModelInferRequest base = protoRequest(id, task, row(i), m.chance(0.5));
                value = kind <= 1 ? base.toByteArray() : kind <= 5 ? m.proto(base).toByteArray()
                        : m.bytes(base.toByteArray());
            }
            if (m.chance(0.02)) {
                value = m.chance(0.5) ? null : new byte[0];
            }
            byte[] key = m.chance(0.9) ? id.getBytes(StandardCharsets.UTF_8)
                    : m.chance(0.5) ? null : m.bytes(id.getBytes(StandardCharsets.UTF_8));
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("twin.requests", key, value);
            if (!m.chance(0.05)) {
                r.headers().add("content-type", (json ? JSON : PB).getBytes(StandardCharsets.UTF_8));
            }
            int headerEdits = m.chance(0.5) ? 0 : 1 + m.nextInt(4);
            for (int k = 0; k < headerEdits; k++) {
                String name = m.headerName(HEADER_NAMES);
                if (m.chance(0.3)) {
                    r.headers().remove(name);
                }
                r.headers().add(name, m.headerValue(name.equalsIgnoreCase("reply-to")
                        ? List.of("twin.results", "twin.results.fz", "twin.results.a-b_c")
                        : List.of(JSON, PB, "application/json; charset=utf-8")));
            }
            // the case number rides in a header of its own: the DLQ keeps the client's headers
            r.headers().add("fz-case", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
            cases.add(r);
        }
        return cases;
    }

    @Test
    void mutatedKafkaRecordsEachGetExactlyOneDlqRecordOrRoutedItem() throws Exception {
        Outcomes out = new Outcomes("Kafka");
        List<ProducerRecord<byte[], byte[]>> cases = kafkaCases();
        Map<Integer, ConsumerRecord<byte[], byte[]>> dlq = new HashMap<>();
        int routed = 0;
        try (KafkaConsumer<byte[], byte[]> dlqReader = consumer("twin.dlq", false);
             KafkaConsumer<byte[], byte[]> routedReader = consumer("twin.routed", false)) {
            try (KafkaProducer<byte[], byte[]> p = producer()) {
                for (ProducerRecord<byte[], byte[]> r : cases) {
                    p.send(r);
                }
                p.flush();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (dlq.size() + routed < KAFKA_CASES && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : dlqReader.poll(Duration.ofMillis(100))) {
                    Header h = r.headers().lastHeader("fz-case");
                    if (h == null) {
                        out.defect(-1, "a DLQ record without the client's headers", String.valueOf(r));
                        continue;
                    }
                    int no = Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8));
                    if (dlq.put(no, r) != null) {
                        out.defect(no, "two DLQ records", describe(cases.get(no)));
                    }
                    checkDlq(out, no, cases.get(no), r);
                }
                for (ConsumerRecord<byte[], byte[]> r : routedReader.poll(Duration.ofMillis(100))) {
                    routed += RoutedBatch.parseFrom(r.value()).getItemsCount();
                }
            }
            // a last look, so that a record answered twice would be seen
            for (ConsumerRecord<byte[], byte[]> r : dlqReader.poll(Duration.ofMillis(500))) {
                out.defect(-1, "a DLQ record beyond one per case", String.valueOf(r));
            }
            for (ConsumerRecord<byte[], byte[]> r : routedReader.poll(Duration.ofMillis(500))) {
                routed += RoutedBatch.parseFrom(r.value()).getItemsCount();
            }
        }
        for (int i = 0; i < KAFKA_CASES; i++) {
            if (dlq.containsKey(i)) {
                out.answer("DLQ");
            }
        }
        for (int i = 0; i < routed; i++) {
            out.answer("routed");
        }
        out.assertNoDefects();
        assertEquals(KAFKA_CASES, dlq.size() + routed, "each record must be routed or dead-lettered exactly once: "
                + dlq.size() + " DLQ records and " + routed + " routed items for " + KAFKA_CASES + " records");
        assertTrue(routed > KAFKA_CASES / 20, "too few cases stayed valid to exercise routing");
        assertStillServing();
    }

    private static void checkDlq(Outcomes out, int no, ProducerRecord<byte[], byte[]> sent,
                                 ConsumerRecord<byte[], byte[]> r) {
        Header error = r.headers().lastHeader("twin-error");
        Header stage = r.headers().lastHeader("twin-error-stage");
        String reason = error == null || error.value() == null ? null
                : new String(error.value(), StandardCharsets.UTF_8);
        if (reason == null || reason.isBlank() || stage == null) {
            out.defect(no, "DLQ record without twin-error / twin-error-stage", describe(sent));
        } else if (Outcomes.traceIn(reason) != null) {
            out.defect(no, "DLQ reason shows " + Outcomes.traceIn(reason) + ": " + reason, describe(sent));
        } else if (!java.util.Arrays.equals(sent.value() == null ? new byte[0] : sent.value(), r.value())
                || !java.util.Arrays.equals(sent.key(), r.key())) {
            // a null value (tombstone) is dead-lettered as an empty one: the DLQ producer writes no tombstones
            out.defect(no, "DLQ record does not carry the client's key and value", describe(sent));
        }
    }

    private static String describe(ProducerRecord<byte[], byte[]> r) {
        StringBuilder sb = new StringBuilder("key=").append(r.key() == null ? "null"
                : new String(r.key(), StandardCharsets.UTF_8)).append(" headers=[");
        for (Header h : r.headers()) {
            sb.append(h.key()).append('=').append(h.value() == null ? "null"
                    : new String(h.value(), StandardCharsets.UTF_8)).append(' ');
        }
        return sb.append("] value=").append(r.value() == null ? "null"
                : new String(r.value(), StandardCharsets.UTF_8)).toString();
    }

    // ---- after each run --------------------------------------------------------------------------------------------

    /** Live and ready, and a valid request over REST still gets its result. */
    private static void assertStillServing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/q/health/live", "/q/health/ready")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            assertEquals("UP", MAPPER.readTree(r.body()).path("status").asText(), r.body());
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port()
                        + "/v2/models/twin/infer")).header("content-type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(jsonRequest("fz-after", null, row(0)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("fz-after", MAPPER.readTree(r.body()).path("id").asText(), r.body());
    }
}
