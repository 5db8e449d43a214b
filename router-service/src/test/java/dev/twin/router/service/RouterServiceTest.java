package dev.twin.router.service;

import dev.twin.proto.tensor.Fp32;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.router.RouterSession;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.proto.inference.GRPCInferenceService;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.inference.ModelMetadataRequest;
import dev.twin.proto.inference.ServerReadyRequest;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The router service against a real in-process Kafka broker and a synthetic bundle: Kafka requests in both encodings
 * are routed with the router's weights, bad records land in the DLQ with their reason, and synchronous REST/gRPC
 * infers get the answer a stand-in merger writes to the router's reply topic (or its error at once, or a clear
 * timeout).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SyntheticBundle.class, restrictToAnnotatedClass = true)
class RouterServiceTest {
    private static final String JSON = "application/json";
    private static final String PB = "application/x-protobuf";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @GrpcClient("inference")
    GRPCInferenceService inference;

    static Path bundleDir() {
        return Path.of(ConfigProvider.getConfig().getValue("twin.router.bundle", String.class));
    }

    /** Row i of a task's test split. */
    static float[] row(TaskData task, int i) {
        Split s = task.test();
        float[] x = new float[s.dim()];
        System.arraycopy(s.x(), i * s.dim(), x, 0, s.dim());
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

    static ModelInferRequest protoRequest(String id, String task, float[] x) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : x) {
            c.addFp32Contents(v);
        }
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setId(id).setModelName("twin")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(x.length).setContents(c));
        if (task != null) {
            b.putParameters("task", InferParameter.newBuilder().setStringParam(task).build());
        }
        return b.build();
    }

    /** A ModelInferRequest with the rows as raw_input_contents (shape [rows, d]); id may be empty. */
    static ModelInferRequest rawRequest(String id, String task, int rows, float[] x) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setId(id).setModelName("twin")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(rows).addShape(x.length / rows))
                .addRawInputContents(Fp32.encode(x));
        if (task != null) {
            b.putParameters("task", InferParameter.newBuilder().setStringParam(task).build());
        }
        return b.build();
    }

    /** Each item's rows, decoded from the batch's one block, by request id. */
    static Map<String, float[]> rowsByItem(RoutedBatch b) {
        List<float[]> rows = itemRows(b);
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            out.put(b.getItems(i).getRequestId(), rows.get(i));
        }
        return out;
    }

    /** Each item's rows, in item order (ids may repeat: callers reusing one id). */
    static List<float[]> itemRows(RoutedBatch b) {
        float[] all = Fp32.decode(b.getRows());
        List<float[]> out = new ArrayList<>();
        int at = 0;
        for (RoutedItem item : b.getItemsList()) {
            int n = Math.max(1, item.getRowCount()) * b.getRowSize();
            out.add(java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertEquals(all.length, at, "rows block holds exactly the items' rows");
        return out;
    }

    /** Each item's row weights (rows × T), by request id ("exact"). */
    static Map<String, float[]> rowWeightsByItem(RoutedBatch b, int tasks) {
        float[] all = Fp32.decode(b.getRowWeights());
        Map<String, float[]> out = new HashMap<>();
        int at = 0;
        for (RoutedItem item : b.getItemsList()) {
            int n = Math.max(1, item.getRowCount()) * tasks;
            out.put(item.getRequestId(), java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertEquals(all.length, at, "row weights hold exactly the items' rows");
        return out;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + " value " + i);
        }
    }

    private static List<RoutedItem> itemsOf(ConsumerRecord<byte[], byte[]> r) {
        try {
            return RoutedBatch.parseFrom(r.value()).getItemsList();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("twin.routed record is not a RoutedBatch", e);
        }
    }

    private static boolean hasItemWithPrefix(ConsumerRecord<byte[], byte[]> r, String prefix) {
        return itemsOf(r).stream().anyMatch(i -> i.getRequestId().startsWith(prefix));
    }

    private static int countItems(List<ConsumerRecord<byte[], byte[]>> records, String prefix) {
        return (int) records.stream().flatMap(r -> itemsOf(r).stream())
                .filter(i -> i.getRequestId().startsWith(prefix)).count();
    }

    private static List<ConsumerRecord<byte[], byte[]>> routed(String prefix, int items) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (countItems(out, prefix) < items && System.nanoTime() < end) {
            out = Topics.read("twin.routed", r -> hasItemWithPrefix(r, prefix), Integer.MAX_VALUE,
                    Duration.ofSeconds(2));
        }
        return out;
    }

    @Test
    void kafkaRequestsInEveryEncodingAreRoutedOnceWithEachRowsOwnRouterWeights() throws Exception {
        List<TaskData> tasks = SyntheticBundle.suite().tasks();
        Map<String, float[]> sent = new HashMap<>();
        Map<String, Integer> sentRows = new HashMap<>();
        Map<String, String> sentTask = new HashMap<>();
        Map<String, Encoding> sentEncoding = new HashMap<>();
        Map<String, String> sentReply = new HashMap<>();
        Map<String, byte[]> sentBytes = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            int n = 0;
            for (TaskData t : tasks) {
                for (int i = 0; i < 4; i++, n++) {
                    String id = "k-" + n;
                    // every third request is a batch [2, d] of two test rows (raw contents)
                    int rows = n % 3 == 2 ? 2 : 1;
                    float[] x = rows == 1 ? row(t, i) : concat(row(t, i), row(t, i + 4));
                    String task = i == 0 ? t.name() : null;
                    sent.put(id, x);
                    sentRows.put(id, rows);
                    sentTask.put(id, task == null ? "" : task);
                    sentReply.put(id, "");
                    if (rows == 2) {
                        sentEncoding.put(id, Encoding.PROTOBUF);
                        sentBytes.put(id, rawRequest(id, task, 2, x).toByteArray());
                        p.send(Topics.record("twin.requests", id, sentBytes.get(id), "content-type", PB));
                    } else if (n % 3 == 0) {
                        sentEncoding.put(id, Encoding.JSON);
                        sentBytes.put(id, jsonRequest(id, task, x).getBytes(StandardCharsets.UTF_8));
                        p.send(Topics.record("twin.requests", id, sentBytes.get(id), "content-type", JSON));
                    } else {
                        sentEncoding.put(id, Encoding.PROTOBUF);
                        sentReply.put(id, "twin.results.answers-" + id);
                        sentBytes.put(id, protoRequest(id, task, x).toByteArray());
                        p.send(Topics.record("twin.requests", id, sentBytes.get(id), "content-type", PB,
                                "reply-to", "twin.results.answers-" + id));
                    }
                }
            }
            p.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = routed("k-", sent.size());

        Bundle bundle = Bundle.load(bundleDir());
        double temperature = bundle.manifest().router().temperature();
        int taskCount = bundle.manifest().taskNames().size();
        Map<String, Integer> seen = new HashMap<>();
        java.util.Set<String> correlations = new java.util.HashSet<>();
        try (RouterSession reference = RouterSession.load(bundleDir().resolve("router.onnx"))) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                RoutedBatch b = RoutedBatch.parseFrom(r.value());
                assertEquals("exact", b.getClusterKey());
                assertTrue(new String(r.key(), StandardCharsets.UTF_8).startsWith("exact#"),
                        "exact batches are keyed by sequence, not one hot key");
                assertTrue(b.getMergeWeightsMap().isEmpty());
                Map<String, float[]> rows = rowsByItem(b);
                Map<String, float[]> weights = rowWeightsByItem(b, taskCount);
                for (RoutedItem item : b.getItemsList()) {
                    if (!item.getRequestId().startsWith("k-")) {
                        continue;
                    }
                    String id = item.getRequestId();
                    seen.merge(id, 1, Integer::sum);
                    float[] x = sent.get(id);
                    assertNotNull(x, "unexpected id " + id);
                    assertEquals(sentRows.get(id), item.getRowCount(), id);
                    assertSameBits(x, rows.get(id), id);
                    assertEquals(sentTask.get(id), item.getTask(), id);
                    assertEquals(sentEncoding.get(id), item.getEncoding(), id);
                    assertEquals(sentReply.get(id), item.getReplyTo(), id);
                    // the request as sent travels with it (a later stage's dead letter carries it)
                    assertArrayEquals(sentBytes.get(id), item.getOriginal().getValue().toByteArray(), id);
                    assertEquals(id, item.getOriginal().getKey().toStringUtf8(), id);
                    assertEquals(sentEncoding.get(id) == Encoding.JSON ? JSON : PB, item.getOriginal().getHeadersList()
                            .stream().filter(h -> h.getKey().equals("content-type")).findFirst().orElseThrow()
                            .getValue().toStringUtf8(), id);
                    assertTrue(correlations.add(item.getCorrelation()), "correlation of " + id + " is unique: "
                            + item.getCorrelation());
                    // exact: each row's w is its own softmax(router logits / T), from an independent session
                    int d = x.length / item.getRowCount();
                    for (int k = 0; k < item.getRowCount(); k++) {
                        float[] xk = java.util.Arrays.copyOfRange(x, k * d, (k + 1) * d);
                        float[] w = RouterSession.softmax(reference.logits(xk, 1)[0], temperature);
                        float[] got = java.util.Arrays.copyOfRange(weights.get(id), k * taskCount,
                                (k + 1) * taskCount);
                        assertArrayEquals(w, got, 1e-5f, id + " row " + k);
                    }
                }
            }
        }
        assertEquals(sent.keySet(), seen.keySet());
        seen.forEach((id, c) -> assertEquals(1, c, id + " routed " + c + " times"));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] x = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, x, a.length, b.length);
        return x;
    }

    @Test
    void everyBadInputKindLandsInTheDlqWithItsReasonWhileGoodTrafficIsRouted() throws Exception {
        TaskData task = SyntheticBundle.suite().tasks().get(0);
        float[] x = row(task, 0);
        float[] nan = x.clone();
        nan[2] = Float.NaN;
        Map<String, byte[]> badValue = new HashMap<>();
        Map<String, String> badType = new HashMap<>();
        Map<String, String> reason = new HashMap<>();
        badValue.put("bad-json", "{\"id\": broken".getBytes(StandardCharsets.UTF_8));
        badType.put("bad-json", JSON);
        reason.put("bad-json", "body is not JSON");
        badValue.put("bad-proto", new byte[] {0x0A, 100, 1});
        badType.put("bad-proto", PB);
        reason.put("bad-proto", "not a protobuf ModelInferRequest");
        badValue.put("bad-type", jsonRequest("bad-type", null, x).getBytes(StandardCharsets.UTF_8));
        badType.put("bad-type", "text/csv");
        reason.put("bad-type", "unknown content type 'text/csv'");
        badValue.put("bad-id", jsonRequest("", null, x).getBytes(StandardCharsets.UTF_8));
        badType.put("bad-id", JSON);
        reason.put("bad-id", "request has no 'id'");
        badValue.put("bad-task", protoRequest("bad-task", "no-such-task", x).toByteArray());
        badType.put("bad-task", PB);
        reason.put("bad-task", "unknown task 'no-such-task'");
        badValue.put("bad-dtype", jsonRequest("bad-dtype", null, x).replace("FP32", "INT8")
                .getBytes(StandardCharsets.UTF_8));
        badType.put("bad-dtype", JSON);
        reason.put("bad-dtype", "datatype is 'INT8', expected FP32");
        badValue.put("bad-shape", protoRequest("bad-shape", null, java.util.Arrays.copyOf(x, x.length - 1))
                .toByteArray());
        badType.put("bad-shape", PB);
        reason.put("bad-shape", "the model takes " + x.length);
        badValue.put("bad-nan", jsonRequest("bad-nan", null, nan).getBytes(StandardCharsets.UTF_8));
        badType.put("bad-nan", JSON);
        reason.put("bad-nan", "input value 2 is NaN");
        badValue.put("bad-big", (jsonRequest("bad-big", null, x) + " ".repeat(70_000)).getBytes(StandardCharsets.UTF_8));
        badType.put("bad-big", JSON);
        reason.put("bad-big", "exceeds the limit of 65536 bytes");
        badValue.put("bad-model", protoRequest("bad-model", null, x).toBuilder().setModelName("resnet").build()
                .toByteArray());
        badType.put("bad-model", PB);
        reason.put("bad-model", "unknown model 'resnet'");
        // a valid request whose reply-to names a topic outside the results topics (issue 9's poison record)
        badValue.put("bad-reply", protoRequest("bad-reply", null, x).toByteArray());
        badType.put("bad-reply", PB);
        reason.put("bad-reply", "reply-to topic 'twin.requests' is not allowed");
        ModelInferRequest oneRow = rawRequest("bad-raw", null, 1, x);
        badValue.put("bad-raw", oneRow.toBuilder().setInputs(0, oneRow.getInputs(0).toBuilder().clearShape()
                .addShape(2).addShape(x.length)).build().toByteArray());
        badType.put("bad-raw", PB);
        reason.put("bad-raw", "the model takes " + x.length + " per row, " + 2 * x.length
                + " for the 2 rows of its shape");

        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            p.send(Topics.record("twin.requests", "good-1", jsonRequest("good-1", null, x)
                    .getBytes(StandardCharsets.UTF_8), "content-type", JSON));
            for (String key : badValue.keySet()) {
                p.send(key.equals("bad-reply")
                        ? Topics.record("twin.requests", key, badValue.get(key), "content-type", badType.get(key),
                        "x-trace", "t-" + key, "reply-to", "twin.requests")
                        : Topics.record("twin.requests", key, badValue.get(key), "content-type", badType.get(key),
                        "x-trace", "t-" + key));
            }
            p.send(Topics.record("twin.requests", "good-2", protoRequest("good-2", null, row(task, 1)).toByteArray(),
                    "content-type", PB));
            p.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> dlq = Topics.read("twin.dlq",
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-"),
                badValue.size(), Duration.ofSeconds(30));
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(null, byKey.put(key, r), "DLQ record for " + key + " twice");
        }
        assertEquals(badValue.keySet(), byKey.keySet());
        for (String key : badValue.keySet()) {
            ConsumerRecord<byte[], byte[]> r = byKey.get(key);
            assertArrayEquals(badValue.get(key), r.value(), "original value of " + key);
            assertEquals(badType.get(key), Topics.header(r, "content-type"), key);
            assertEquals("t-" + key, Topics.header(r, "x-trace"), key);
            assertEquals("router", Topics.header(r, "twin-error-stage"), key);
            String error = Topics.header(r, "twin-error");
            assertTrue(error != null && error.contains(reason.get(key)), key + ": " + error);
        }
        // the caller also gets an OIP error result where it waits for answers (the poison reply-to: twin.results)
        List<ConsumerRecord<byte[], byte[]>> errors = Topics.read("twin.results",
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith("bad-"),
                badValue.size(), Duration.ofSeconds(30));
        Map<String, ConsumerRecord<byte[], byte[]>> errorByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : errors) {
            assertEquals(null, errorByKey.put(new String(r.key(), StandardCharsets.UTF_8), r), "two error results");
        }
        assertEquals(badValue.keySet(), errorByKey.keySet());
        for (String key : badValue.keySet()) {
            ConsumerRecord<byte[], byte[]> r = errorByKey.get(key);
            assertEquals(key, Topics.header(r, "twin-request-id"), key);
            assertEquals(key, Topics.header(byKey.get(key), "twin-request-id"), key);
            assertEquals("router", Topics.header(r, "twin-error-stage"), key);
            assertEquals("INVALID_ARGUMENT", Topics.header(r, "twin-error-code"), key);
            String reasonOf = PB.equals(badType.get(key))
                    ? ModelInferResponse.parseFrom(r.value()).getParametersOrThrow("error").getStringParam()
                    : MAPPER.readTree(r.value()).get("error").asText();
            assertTrue(reasonOf.contains(reason.get(key)), key + ": " + reasonOf);
            assertEquals(Topics.header(byKey.get(key), "twin-error"), Topics.header(r, "twin-error"), key);
        }
        List<ConsumerRecord<byte[], byte[]>> good = routed("good-", 2);
        assertEquals(2, countItems(good, "good-"));
    }

    /**
     * Plays the merger: answers every routed item whose id starts with "sync-" on its reply topic, keyed by id, with
     * the item's correlation in header twin-correlation.
     */
    static Thread merger(AtomicBoolean stop, CountDownLatch polling) {
        Thread t = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = Topics.consumerFromStart("twin.routed");
                 KafkaProducer<byte[], byte[]> p = Topics.producer()) {
                while (!stop.get()) {
                    polling.countDown();
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        RoutedBatch b = RoutedBatch.parseFrom(r.value());
                        List<float[]> rows = itemRows(b);
                        for (int i = 0; i < rows.size(); i++) {
                            RoutedItem item = b.getItems(i);
                            if (item.getRequestId().startsWith("fail-") && !item.getReplyTo().isEmpty()) {
                                p.send(Topics.record(item.getReplyTo(), item.getRequestId(), new byte[0],
                                        "twin-correlation", item.getCorrelation(), "twin-error-stage", "merger",
                                        "twin-error-code", "INVALID_ARGUMENT",
                                        "twin-error", "executor refused request '" + item.getRequestId() + "'"));
                            } else if (item.getRequestId().startsWith("sync-") || isUuid(item.getRequestId())) {
                                p.send(Topics.record(item.getReplyTo().isEmpty() ? "twin.results" : item.getReplyTo(),
                                        item.getRequestId(), answer(b, item, rows.get(i)),
                                        "twin-correlation", item.getCorrelation()));
                            }
                        }
                    }
                    p.flush();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "test-merger");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean isUuid(String id) {
        try {
            return java.util.UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The stand-in output: one response with the sum of each row's values, [N], in the request's encoding. */
    private static byte[] answer(RoutedBatch b, RoutedItem item, float[] x) {
        int n = Math.max(1, item.getRowCount());
        float[] sums = new float[n];
        for (int k = 0; k < n; k++) {
            sums[k] = sum(java.util.Arrays.copyOfRange(x, k * b.getRowSize(), (k + 1) * b.getRowSize()));
        }
        if (item.getEncoding() == Encoding.JSON) {
            StringBuilder data = new StringBuilder();
            for (float v : sums) {
                data.append(data.length() > 0 ? "," : "").append(v);
            }
            return ("{\"id\":\"" + item.getRequestId() + "\",\"model_name\":\"twin\",\"parameters\":{\"cluster_key\":\""
                    + b.getClusterKey() + "\"},\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[" + n
                    + "],\"data\":[" + data + "]}]}").getBytes(StandardCharsets.UTF_8);
        }
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : sums) {
            c.addFp32Contents(v);
        }
        return ModelInferResponse.newBuilder().setId(item.getRequestId()).setModelName("twin")
                .putParameters("cluster_key", InferParameter.newBuilder().setStringParam(b.getClusterKey()).build())
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("output").setDatatype("FP32")
                        .addShape(n).setContents(c))
                .build().toByteArray();
    }

    private static float sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return (float) s;
    }

    @Test
    void restAndGrpcInferGetTheirOwnResultFromTheResultsTopic() throws Exception {
        TaskData task = SyntheticBundle.suite().tasks().get(1);
        float[] a = row(task, 2);
        float[] b = row(task, 3);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        Thread m = merger(stop, polling);
        try {
            assertTrue(polling.await(20, TimeUnit.SECONDS), "stand-in merger did not start");
            String body = given().contentType(JSON).body(jsonRequest("sync-rest-1", task.name(), a))
                    .when().post("/v2/models/twin/infer")
                    .then().statusCode(200).body("id", equalTo("sync-rest-1")).extract().asString();
            JsonNode reply = MAPPER.readTree(body);
            assertEquals(sum(a), reply.at("/outputs/0/data/0").floatValue(), 1e-4f);
            assertEquals("exact", reply.at("/parameters/cluster_key").asText(), body);

            ModelInferResponse r = inference.modelInfer(protoRequest("sync-grpc-1", null, b))
                    .await().atMost(Duration.ofSeconds(15));
            assertEquals("sync-grpc-1", r.getId());
            assertEquals(sum(b), r.getOutputs(0).getContents().getFp32Contents(0), 1e-4f);

            // a batch [2, d] without an id over REST: the router makes the id, the answer has 2 rows
            String batchBody = jsonRequest("", null, concat(a, b)).replace("\"id\":\"\",", "")
                    .replace("\"shape\":[1," + 2 * a.length + "]", "\"shape\":[2," + a.length + "]");
            JsonNode two = MAPPER.readTree(given().contentType(JSON).body(batchBody)
                    .when().post("/v2/models/twin/infer").then().statusCode(200).extract().asString());
            assertTrue(isUuid(two.get("id").asText()), two.toString());
            assertEquals(2, two.at("/outputs/0/data").size(), two.toString());
            assertEquals(sum(a), two.at("/outputs/0/data/0").floatValue(), 1e-4f);
            assertEquals(sum(b), two.at("/outputs/0/data/1").floatValue(), 1e-4f);

            // gRPC with raw contents, a batch [2, d] and no id
            ModelInferResponse raw = inference.modelInfer(rawRequest("", null, 2, concat(b, a)))
                    .await().atMost(Duration.ofSeconds(15));
            assertTrue(isUuid(raw.getId()), raw.getId());
            assertEquals(List.of(sum(b), sum(a)), raw.getOutputs(0).getContents().getFp32ContentsList());
        } finally {
            stop.set(true);
            m.join(5000);
        }
    }

    @Test
    void syncInferTimesOutClearlyWhenNobodyAnswers() throws Exception {
        float[] x = row(SyntheticBundle.suite().tasks().get(2), 0);
        long t0 = System.nanoTime();
        // both calls wait at the same time: one sync timeout for the two
        CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> given().contentType(JSON)
                .body(jsonRequest("lonely-rest", null, x))
                .when().post("/v2/models/twin/infer")
                .then().statusCode(503)
                .body("error", startsWith("no result for request 'lonely-rest' within 6000 ms: the merger or an "
                        + "executor did not answer in time")));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> inference.modelInfer(protoRequest("lonely-grpc", null, x)).await().atMost(Duration.ofSeconds(20)));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("no result for request 'lonely-grpc' within 6000 ms: "
                + "the merger or an executor did not answer in time"), e.getStatus().getDescription());
        rest.get(20, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(5900), "gave up before the sync timeout");
        // both were still routed: the timeout concerns the answer, not the request
        assertEquals(2, countItems(routed("lonely-", 2), "lonely-"));
    }

    @Test
    void badSyncInputIsAnOipErrorWithTheReason() {
        float[] x = row(SyntheticBundle.suite().tasks().get(0), 0);
        given().contentType(JSON).body("not json").when().post("/v2/models/twin/infer")
                .then().statusCode(400).body("error", containsString("body is not JSON"));
        given().contentType(JSON).body(jsonRequest("r", "nope", x)).when().post("/v2/models/twin/infer")
                .then().statusCode(400).body("error", containsString("unknown task 'nope'"));
        given().contentType(JSON).body(jsonRequest("r", null, x)).when().post("/v2/models/other/infer")
                .then().statusCode(400).body("error", containsString("unknown model 'other'"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> inference
                .modelInfer(protoRequest("g", null, new float[] {1, 2})).await().atMost(Duration.ofSeconds(10)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("the model takes " + x.length), e.getStatus().getDescription());
    }

    @Test
    void aFailureAfterTheRouterReachesTheSyncCallerAtOnceWithItsReason() throws Exception {
        float[] x = row(SyntheticBundle.suite().tasks().get(0), 1);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        Thread m = merger(stop, polling);
        try {
            assertTrue(polling.await(20, TimeUnit.SECONDS), "stand-in merger did not start");
            long t0 = System.nanoTime();
            given().contentType(JSON).body(jsonRequest("fail-rest", null, x)).when().post("/v2/models/twin/infer")
                    .then().statusCode(400).body("error", equalTo("executor refused request 'fail-rest'"));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> inference
                    .modelInfer(protoRequest("fail-grpc", null, x)).await().atMost(Duration.ofSeconds(20)));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals("executor refused request 'fail-grpc'", e.getStatus().getDescription());
            // the reason came with the error result, not with the sync timeout (6 s)
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(6000), "waited for the timeout");
        } finally {
            stop.set(true);
            m.join(5000);
        }
    }

    @Test
    void concurrentCallersReusingOneIdGetTheirOwnAnswers() throws Exception {
        TaskData task = SyntheticBundle.suite().tasks().get(2);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        Thread m = merger(stop, polling);
        try {
            assertTrue(polling.await(20, TimeUnit.SECONDS), "stand-in merger did not start");
            List<CompletableFuture<Float>> calls = new ArrayList<>();
            // as many callers as the test's twin.router.max-pending-sync (4)
            for (int i = 0; i < 4; i++) {
                float[] x = row(task, i);
                calls.add(i % 2 == 0
                        ? CompletableFuture.supplyAsync(() -> restFirstOutput("sync-same", x))
                        : CompletableFuture.supplyAsync(() -> inference.modelInfer(protoRequest("sync-same", null, x))
                                .await().atMost(Duration.ofSeconds(20)).getOutputs(0).getContents().getFp32Contents(0)));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(sum(row(task, i)), calls.get(i).get(30, TimeUnit.SECONDS), 1e-4f,
                        "caller " + i + " got another caller's answer");
            }
        } finally {
            stop.set(true);
            m.join(5000);
        }
    }

    @Test
    void beyondThePendingBoundSyncCallersGet429AndResourceExhaustedWhileKafkaRequestsAreStillRouted()
            throws Exception {
        float[] x = row(SyntheticBundle.suite().tasks().get(3), 0);
        int bound = ConfigProvider.getConfig().getValue("twin.router.max-pending-sync", Integer.class);
        // nobody answers "held-" calls: they occupy every pending slot until the sync timeout
        List<CompletableFuture<Integer>> held = new ArrayList<>();
        for (int i = 0; i < bound; i++) {
            String id = "held-" + i;
            held.add(CompletableFuture.supplyAsync(() -> given().contentType(JSON).body(jsonRequest(id, null, x))
                    .when().post("/v2/models/twin/infer").then().extract().statusCode()));
        }
        try (KafkaProducer<byte[], byte[]> p = Topics.producer()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pendingWaiting() < bound && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(bound, pendingWaiting(), "every slot taken");
            given().contentType(JSON).body(jsonRequest("over-rest", null, x)).when().post("/v2/models/twin/infer")
                    .then().statusCode(429).body("error", equalTo(bound + " synchronous calls are already waiting "
                            + "for their answer (twin.router.max-pending-sync); retry later"));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> inference
                    .modelInfer(protoRequest("over-grpc", null, x)).await().atMost(Duration.ofSeconds(10)));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("twin.router.max-pending-sync"),
                    e.getStatus().getDescription());
            // Kafka traffic (more records than twin.router.max-in-flight-records) is still routed, every record
            for (int i = 0; i < 40; i++) {
                p.send(Topics.record("twin.requests", "over-k-" + i, jsonRequest("over-k-" + i, null, x)
                        .getBytes(StandardCharsets.UTF_8), "content-type", JSON));
            }
            p.flush();
        }
        for (CompletableFuture<Integer> h : held) {
            assertEquals(503, h.get(30, TimeUnit.SECONDS), "held calls end with their timeout, as UNAVAILABLE");
        }
        assertEquals(40, countItems(routed("over-k-", 40), "over-k-"));
    }

    private static float restFirstOutput(String id, float[] x) {
        try {
            return MAPPER.readTree(given().contentType(JSON).body(jsonRequest(id, null, x))
                    .when().post("/v2/models/twin/infer").then().statusCode(200).extract().asString())
                    .at("/outputs/0/data/0").floatValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int pendingWaiting() {
        return io.quarkus.arc.Arc.container().instance(dev.twin.router.sync.PendingResults.class).get().waiting();
    }

    @Test
    void healthAndMetadataReportTheLoadedBundle() {
        int inputSize = SyntheticBundle.suite().tasks().get(0).dim();
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/v2/health/live").then().statusCode(200).body("live", equalTo(true));
        given().when().get("/v2/health/ready").then().statusCode(200).body("ready", equalTo(true));
        given().when().get("/v2/models/twin").then().statusCode(200)
                .body("name", equalTo("twin"))
                .body("inputs[0].name", equalTo("input"))
                .body("inputs[0].datatype", equalTo("FP32"))
                .body("inputs[0].shape", equalTo(List.of(-1, inputSize)))
                .body("outputs.name", equalTo(List.of("logits", "predicted")))
                .body("outputs.datatype", equalTo(List.of("FP32", "INT64")))
                .body("outputs[0].shape", equalTo(List.of(-1, -1)))
                .body("outputs[1].shape", equalTo(List.of(-1)))
                .body("parameters.tasks", equalTo(SyntheticBundle.suite().taskNames()));
        given().when().get("/v2/models/other").then().statusCode(404).body("error", containsString("'other'"));
        assertTrue(inference.serverReady(ServerReadyRequest.getDefaultInstance()).await().atMost(Duration.ofSeconds(5))
                .getReady());
        var meta = inference.modelMetadata(ModelMetadataRequest.newBuilder().setName("twin").build())
                .await().atMost(Duration.ofSeconds(5));
        assertEquals(List.of(-1L, (long) inputSize), meta.getInputs(0).getShapeList());
        assertEquals(List.of("logits", "predicted"), meta.getOutputsList().stream().map(o -> o.getName()).toList());
        assertEquals(List.of("FP32", "INT64"), meta.getOutputsList().stream().map(o -> o.getDatatype()).toList());
        assertEquals(List.of(-1L, -1L), meta.getOutputs(0).getShapeList());
    }
}
