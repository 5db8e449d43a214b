package dev.twin.merger.kafka;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import dev.twin.merger.KafkaAndBundle;
import dev.twin.merger.cache.CacheStats;
import dev.twin.merger.cache.MergedCache;
import dev.twin.merger.executor.FakeExecutor;
import dev.twin.merger.placement.HashRing;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.OriginalHeader;
import dev.twin.proto.routed.OriginalRequest;
import dev.twin.proto.routed.RoutedItem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import com.google.protobuf.ByteString;
import dev.twin.proto.executor.ExecuteRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The running service on an embedded broker, with the executor played in-process: routed batches are answered item
 * by item with the predictions of core's Materializer + Evaluation on the same θ(w) (a dead first executor on the
 * ring forces fail-over), in each item's encoding and topic; the same key again hits the cache without a second
 * install; exact and static traffic goes in one call with the routed bytes passed through (and each row's own
 * weights), a request of N rows gets one response of N rows, a record beyond the message limit is split; a slow
 * cluster delays neither other answers nor is it committed before it is answered; bad records and unwritable results
 * land in twin.dlq with the reason and the consumer goes on.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndBundle.class)
class MergerServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DEAD = "localhost:1";
    private static final String LIVE = "localhost:18592";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Bundle bundle;
    private static Architecture arch;
    private static Materializer materializer;
    private static Map<String, TaskData> data;

    @Inject
    MergedCache cache;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "twin.merger.bundle")
    Path bundleDir;

    private void init() {
        if (bundle == null) {
            bundle = Bundle.load(bundleDir);
            arch = Architectures.create(bundle.manifest().architecture());
            materializer = new Materializer(bundle.modules());
            data = new LinkedHashMap<>();
            for (TaskData t : KafkaAndBundle.suite().tasks()) {
                data.put(t.name(), t);
            }
        }
    }

    @AfterAll
    static void close() {
        if (materializer != null) {
            materializer.close();
        }
    }

    /** A cluster key whose owner on the ring is the dead executor, so serving it needs fail-over. */
    private static String keyOwnedByDeadExecutor(String prefix) {
        HashRing ring = new HashRing(List.of(DEAD, LIVE), 64);
        for (int i = 0; ; i++) {
            if (ring.owner(prefix + i).equals(DEAD)) {
                return prefix + i;
            }
        }
    }

    /** Reference predictions: core's θ(w) and Evaluation on the first n test rows of task. */
    private int[] expected(Map<String, Float> w, String task, int n) {
        float[] wv = new float[bundle.modules().tasks().size()];
        w.forEach((t, v) -> wv[bundle.modules().tasks().indexOf(t)] = v);
        // θ(w)'s trunk with the bundle's head of the task (what an executor runs)
        WeightSet theta = materializer.materializeWeights(wv).filter(name -> !name.matches(Architecture.HEAD_REGEX));
        bundle.modules().heads().get(task).asMap().forEach(theta::put);
        return Evaluation.predict(arch, theta, task, data.get(task).test().head(n));
    }

    /** One request of the test: its rows (one or more) of a task's test split. */
    record Req(String id, String task, Encoding enc, String replyTo, float[][] rows) {
        Req(String id, String task, Split split, int row, Encoding enc, String replyTo) {
            this(id, task, enc, replyTo, new float[][]{Arrays.copyOfRange(split.x(), row * split.dim(),
                    (row + 1) * split.dim())});
        }
    }

    static Req req(String id, String task, Split split, int row, Encoding enc, String replyTo) {
        return new Req(id, task, split, row, enc, replyTo);
    }

    /** Floats as one little-endian float32 block, the stack's tensor encoding. */
    static ByteString le(float[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(rows).mapToInt(r -> r.length).sum() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            for (float v : r) {
                b.putFloat(v);
            }
        }
        return ByteString.copyFrom(b.array());
    }

    /** A routed batch as the router publishes it: items in order, their rows in one block. */
    static RoutedBatch.Builder batch(String key, Map<String, Float> w, List<Req> reqs) {
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey(key).putAllMergeWeights(w);
        List<float[]> rows = new ArrayList<>();
        for (Req r : reqs) {
            RoutedItem.Builder it = RoutedItem.newBuilder().setRequestId(r.id()).setTask(r.task())
                    .setEncoding(r.enc()).setReplyTo(r.replyTo());
            if (r.rows().length > 1) {
                it.setRowCount(r.rows().length);
            }
            b.addItems(it);
            rows.addAll(List.of(r.rows()));
        }
        return b.setRowSize(rows.get(0).length).setRows(le(rows.toArray(float[][]::new)));
    }

    /** Produces one record to twin.routed; returns its offset. */
    static long produce(String key, byte[] value, String headerName, String headerValue) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>("twin.routed", key, value);
            if (headerName != null) {
                r.headers().add(headerName, headerValue.getBytes(StandardCharsets.UTF_8));
            }
            return producer.send(r).get().offset();
        }
    }

    /** Records of topic whose key satisfies want, polled until count of them arrived. */
    static List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<String> want, int count)
            throws Exception {
        return await(topic, want, r -> true, count);
    }

    private interface RecordTest {
        boolean test(ConsumerRecord<String, byte[]> r) throws Exception;
    }

    /** Records of topic whose key satisfies want and that pass which, polled until count of them arrived. */
    private static List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<String> want, RecordTest which,
                                                              int count) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + WAIT.toNanos();
            while (out.size() < count && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && want.test(r.key()) && which.test(r)) {
                        out.add(r);
                    }
                }
            }
            // anything beyond count would be a duplicate: poll once more to see it
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                if (r.key() != null && want.test(r.key()) && which.test(r)) {
                    out.add(r);
                }
            }
        }
        assertEquals(count, out.size(), "records on " + topic + ": " + out.stream().map(ConsumerRecord::key).toList());
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The predictions, task, cluster key and router weights of a result in either encoding, shapes checked. */
    record Decoded(String id, List<Integer> predictions, int classes, String task, String clusterKey,
                           List<Map<String, Float>> weights) {
        int predicted() {
            assertEquals(1, predictions.size());
            return predictions.get(0);
        }

        int rows() {
            return predictions.size();
        }
    }

    /** router_weights: one object for one row, a list of them for N rows. */
    private static List<Map<String, Float>> weights(JsonNode n) {
        List<Map<String, Float>> out = new ArrayList<>();
        for (JsonNode o : n.isArray() ? n : JSON.createArrayNode().add(n)) {
            Map<String, Float> w = new HashMap<>();
            o.fields().forEachRemaining(e -> w.put(e.getKey(), (float) e.getValue().asDouble()));
            out.add(w);
        }
        return out;
    }

    static Decoded decode(ConsumerRecord<String, byte[]> r) throws Exception {
        String type = header(r, "content-type");
        if ("application/json".equals(type)) {
            JsonNode n = JSON.readTree(r.value());
            JsonNode logits = n.get("outputs").get(0);
            assertEquals("logits", logits.get("name").asText());
            assertEquals("FP32", logits.get("datatype").asText());
            JsonNode pred = n.get("outputs").get(1);
            assertEquals("predicted", pred.get("name").asText());
            int rows = logits.get("shape").get(0).asInt();
            int classes = logits.get("shape").get(1).asInt();
            assertEquals(rows * classes, logits.get("data").size());
            assertEquals(rows, pred.get("shape").get(0).asInt());
            List<Integer> p = new ArrayList<>();
            pred.get("data").forEach(x -> p.add(x.asInt()));
            List<Map<String, Float>> w = weights(n.get("parameters").get("router_weights"));
            assertEquals(rows, w.size());
            return new Decoded(n.get("id").asText(), p, classes, n.get("parameters").get("task").asText(),
                    n.get("parameters").get("cluster_key").asText(), w);
        }
        assertEquals("application/x-protobuf", type);
        ModelInferResponse m = ModelInferResponse.parseFrom(r.value());
        assertEquals("twin", m.getModelName());
        int rows = (int) m.getOutputs(0).getShape(0);
        int classes = (int) m.getOutputs(0).getShape(1);
        assertEquals(rows * classes, m.getOutputs(0).getContents().getFp32ContentsCount());
        List<Integer> p = m.getOutputs(1).getContents().getInt64ContentsList().stream().map(Long::intValue).toList();
        return new Decoded(m.getId(), p, classes, m.getParametersOrThrow("task").getStringParam(),
                m.getParametersOrThrow("cluster_key").getStringParam(),
                weights(JSON.readTree(m.getParametersOrThrow("router_weights").getStringParam())));
    }

    @Test
    void batchIsAnsweredPerItemThenTheSameKeyHitsTheCache() throws Exception {
        init();
        List<String> tasks = bundle.modules().tasks();
        String t0 = tasks.get(0);
        String t1 = tasks.get(1);
        Map<String, Float> w = Map.of(t0, 0.7f, t1, 0.3f);
        String key = keyOwnedByDeadExecutor("answer-");
        CacheStats before = cache.stats();
        int installsBefore = FakeExecutor.INSTALLS.get();

        Split s0 = data.get(t0).test();
        Split s1 = data.get(t1).test();
        List<Req> reqs = new ArrayList<>();
        Map<String, Integer> want = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            reqs.add(req("a0-" + i, t0, s0, i, i % 2 == 0 ? Encoding.JSON : Encoding.PROTOBUF, ""));
            reqs.add(req("a1-" + i, t1, s1, i, i % 2 == 0 ? Encoding.PROTOBUF : Encoding.JSON, ""));
        }
        // no task named: the arg-max of w (t0) applies; and one answer goes to its own reply-to topic
        reqs.add(req("a-notask", "", s0, 3, Encoding.JSON, ""));
        reqs.add(req("a-reply", t1, s1, 3, Encoding.PROTOBUF, "my.replies"));
        int[] p0 = expected(w, t0, 4);
        int[] p1 = expected(w, t1, 4);
        for (int i = 0; i < 3; i++) {
            want.put("a0-" + i, p0[i]);
            want.put("a1-" + i, p1[i]);
        }
        want.put("a-notask", p0[3]);
        RoutedBatch sent = batch(key, w, reqs).build();
        produce(key, sent.toByteArray(), null, null);

        List<ConsumerRecord<String, byte[]>> got = await("twin.results", k -> k.startsWith("a0-")
                || k.startsWith("a1-") || k.equals("a-notask"), 7);
        for (ConsumerRecord<String, byte[]> r : got) {
            Decoded d = decode(r);
            assertEquals(r.key(), d.id());
            assertEquals(want.get(r.key()), d.predicted(), "prediction of " + r.key());
            String task = r.key().startsWith("a1-") ? t1 : t0;
            assertEquals(task, d.task());
            assertEquals(data.get(task).classes(), d.classes());
            assertEquals(key, d.clusterKey());
            assertEquals(List.of(Map.of(t0, 0.7f, t1, 0.3f)), d.weights());
        }
        Decoded reply = decode(await("my.replies", "a-reply"::equals, 1).get(0));
        assertEquals(p1[3], reply.predicted());
        assertEquals(installsBefore + 1, FakeExecutor.INSTALLS.get(), "one install of the new set");
        assertTrue(FakeExecutor.MAX_CHUNK.get() <= 262_144);
        // the routed rows reached the executor as they were sent: the same bytes, in one call
        ExecuteRequest call = executeCallsOn(key).get(0);
        assertEquals(sent.getRows(), call.getInputs());
        assertTrue(call.getWeights().isEmpty());
        CacheStats mid = cache.stats();
        assertEquals(before.misses() + 1, mid.misses());
        assertEquals(before.hits(), mid.hits());

        // the same cluster again: cache hit, no new install, right answers
        RoutedBatch again = batch(key, w, List.of(req("b0-4", t0, s0, 4, Encoding.JSON, ""),
                req("b1-4", t1, s1, 4, Encoding.JSON, ""))).build();
        int[] q0 = expected(w, t0, 5);
        int[] q1 = expected(w, t1, 5);
        produce(key, again.toByteArray(), null, null);
        for (ConsumerRecord<String, byte[]> r : await("twin.results", k -> k.equals("b0-4") || k.equals("b1-4"), 2)) {
            assertEquals(r.key().equals("b0-4") ? q0[4] : q1[4], decode(r).predicted());
        }
        CacheStats after = cache.stats();
        assertEquals(mid.hits() + 1, after.hits());
        assertEquals(mid.misses(), after.misses());
        assertEquals(installsBefore + 1, FakeExecutor.INSTALLS.get(), "the executor kept the set: no reinstall");
        // trunk only (heads stay on the executor): 4 bytes per value
        long trunkValues = FakeExecutor.INSTALLED.get(key).numel();
        assertTrue(after.bytes() >= 4 * trunkValues);
    }

    /** The execute requests the fake executor received for key, in arrival order. */
    private static List<ExecuteRequest> executeCallsOn(String key) {
        return FakeExecutor.REQUESTS.stream().filter(r -> r.getKey().equals(key)).toList();
    }

    /** The execute requests carrying a row of the given request id. */
    private static List<ExecuteRequest> callsWith(String requestId) {
        return FakeExecutor.REQUESTS.stream()
                .filter(r -> r.getRowsList().stream().anyMatch(x -> x.getRequestId().equals(requestId))).toList();
    }

    /** Softmax-like weights of one row, all different (seeded), in the bundle's task order. */
    private static float[] rowWeights(Random rng, int t) {
        float[] w = new float[t];
        float sum = 0;
        for (int j = 0; j < t; j++) {
            w[j] = 0.05f + rng.nextFloat();
            sum += w[j];
        }
        for (int j = 0; j < t; j++) {
            w[j] /= sum;
        }
        return w;
    }

    /** Reference prediction of one row: core's θ(w) with the task's head. */
    private int predict(float[] w, String task, float[] x) {
        WeightSet theta = materializer.materializeWeights(w).filter(name -> !name.matches(Architecture.HEAD_REGEX));
        bundle.modules().heads().get(task).asMap().forEach(theta::put);
        return Evaluation.predict(arch, theta, task, new Split(x, new int[1], 1, x.length))[0];
    }

    @Test
    void exactBatchIsOneCallWithTheBytesPassedThroughAndEachRowsOwnWeights() throws Exception {
        init();
        List<String> tasks = bundle.modules().tasks();
        int t = tasks.size();
        String t0 = tasks.get(0);
        String t2 = tasks.get(2);
        Split s0 = data.get(t0).test();
        Split s2 = data.get(t2).test();
        Random rng = new Random(11);
        // four one-row requests and one request of three rows, every row with its own weights
        List<Req> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reqs.add(req("x-" + i, i % 2 == 0 ? t0 : t2, i % 2 == 0 ? s0 : s2, 10 + i,
                    i % 2 == 0 ? Encoding.JSON : Encoding.PROTOBUF, ""));
        }
        float[][] three = new float[3][];
        for (int r = 0; r < 3; r++) {
            three[r] = Arrays.copyOfRange(s2.x(), (20 + r) * s2.dim(), (21 + r) * s2.dim());
        }
        reqs.add(new Req("x-multi", t2, Encoding.JSON, "", three));
        float[][] w = new float[7][];
        for (int r = 0; r < 7; r++) {
            w[r] = rowWeights(rng, t);
        }
        RoutedBatch sent = batch("exact", Map.of(), reqs).setRowWeights(le(w)).build();
        produce("exact", sent.toByteArray(), null, null);

        Map<String, ConsumerRecord<String, byte[]>> got = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : await("twin.results", k -> k.startsWith("x-"), 5)) {
            got.put(r.key(), r);
        }
        // one execute call on θ* (empty key), no install, the routed bytes passed through unchanged
        List<ExecuteRequest> calls = callsWith("x-0");
        assertEquals(1, calls.size());
        ExecuteRequest call = calls.get(0);
        assertEquals("", call.getKey());
        assertEquals(7, call.getRowsCount());
        assertEquals(sent.getRows(), call.getInputs());
        assertEquals(sent.getRowWeights(), call.getWeights());
        assertEquals(List.of("x-multi", "x-multi", "x-multi"), call.getRowsList().subList(4, 7).stream()
                .map(dev.twin.proto.executor.Row::getRequestId).toList());

        for (int i = 0; i < 4; i++) {
            Decoded d = decode(got.get("x-" + i));
            String task = i % 2 == 0 ? t0 : t2;
            Split s = i % 2 == 0 ? s0 : s2;
            float[] x = Arrays.copyOfRange(s.x(), (10 + i) * s.dim(), (11 + i) * s.dim());
            assertEquals(List.of(predict(w[i], task, x)), d.predictions(), "x-" + i);
            assertEquals("exact", d.clusterKey());
            assertEquals(List.of(byTask(tasks, w[i])), d.weights(), "the row's own weights");
        }
        // the request of three rows: one response, logits [3, classes], its rows' own weights
        Decoded multi = decode(got.get("x-multi"));
        assertEquals(3, multi.rows());
        assertEquals(data.get(t2).classes(), multi.classes());
        List<Integer> wantPred = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            wantPred.add(predict(w[4 + r], t2, three[r]));
        }
        assertEquals(wantPred, multi.predictions());
        assertEquals(List.of(byTask(tasks, w[4]), byTask(tasks, w[5]), byTask(tasks, w[6])), multi.weights());
    }

    static Map<String, Float> byTask(List<String> tasks, float[] w) {
        Map<String, Float> m = new HashMap<>();
        for (int j = 0; j < tasks.size(); j++) {
            m.put(tasks.get(j), w[j]);
        }
        return m;
    }

    @Test
    void staticBatchRunsTheSharedExpertWithoutWeights() throws Exception {
        init();
        List<String> tasks = bundle.modules().tasks();
        String t1 = tasks.get(1);
        Split s1 = data.get(t1).test();
        Map<String, Float> zeros = new HashMap<>();
        tasks.forEach(x -> zeros.put(x, 0f));
        RoutedBatch sent = batch("static", zeros, List.of(req("st-0", t1, s1, 30, Encoding.JSON, ""),
                req("st-1", t1, s1, 31, Encoding.PROTOBUF, ""))).build();
        produce("static", sent.toByteArray(), null, null);
        List<ConsumerRecord<String, byte[]>> got = await("twin.results", k -> k.startsWith("st-"), 2);
        ExecuteRequest call = callsWith("st-0").get(0);
        assertEquals("", call.getKey());
        assertTrue(call.getWeights().isEmpty(), "θ* alone: no weights");
        assertEquals(sent.getRows(), call.getInputs());
        for (ConsumerRecord<String, byte[]> r : got) {
            int row = r.key().equals("st-0") ? 30 : 31;
            float[] x = Arrays.copyOfRange(s1.x(), row * s1.dim(), (row + 1) * s1.dim());
            Decoded d = decode(r);
            assertEquals(List.of(predict(new float[tasks.size()], t1, x)), d.predictions());
            assertEquals("static", d.clusterKey());
            assertEquals(List.of(zeros), d.weights());
        }
    }

    @Test
    void aRecordBeyondTheMessageLimitIsSplitIntoSeveralCallsAndFullyAnswered() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        int t = bundle.modules().tasks().size();
        // 64 KiB limit in the test profile; 600 rows of 32 floats + weights + ids are ~110 KB
        int n = 600;
        Random rng = new Random(5);
        List<Req> reqs = new ArrayList<>();
        float[][] w = new float[n][];
        for (int i = 0; i < n; i++) {
            reqs.add(req("big-" + i, t0, s0, i % s0.n(), Encoding.JSON, ""));
            w[i] = rowWeights(rng, t);
        }
        RoutedBatch sent = batch("exact", Map.of(), reqs).setRowWeights(le(w)).build();
        assertTrue(sent.getSerializedSize() > limit, "the record must exceed the limit");
        produce("exact", sent.toByteArray(), null, null);
        List<ConsumerRecord<String, byte[]>> got = await("twin.results", k -> k.startsWith("big-"), n);
        // in row order (the calls run in parallel and arrive in any order)
        List<ExecuteRequest> calls = FakeExecutor.REQUESTS.stream().filter(r -> r.getRowsCount() > 0
                && r.getRows(0).getRequestId().startsWith("big-"))
                .sorted(Comparator.comparingInt(r -> Integer.parseInt(r.getRows(0).getRequestId().substring(4))))
                .toList();
        assertTrue(calls.size() >= 2, calls.size() + " calls");
        int rows = 0;
        ByteString inputs = ByteString.EMPTY;
        for (ExecuteRequest c : calls) {
            assertTrue(c.getSerializedSize() <= limit, c.getSerializedSize() + " > " + limit);
            rows += c.getRowsCount();
            inputs = inputs.concat(c.getInputs());
        }
        assertEquals(n, rows);
        assertEquals(sent.getRows(), inputs, "the slices of the calls make up the routed block");
        Map<String, Integer> pred = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : got) {
            pred.put(r.key(), decode(r).predictions().get(0));
        }
        for (int i : new int[]{0, 299, 599}) {
            float[] x = reqs.get(i).rows()[0];
            assertEquals(predict(w[i], t0, x), pred.get("big-" + i), "big-" + i);
        }
    }

    @ConfigProperty(name = "twin.merger.executor-max-message-bytes")
    int limit;

    @Test
    void aClusterIsAnsweredWithoutWaitingForASlowerOneAndTheSlowRecordIsNotCommittedMeanwhile() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        String slowKey = "slow-cluster";
        CountDownLatch release = new CountDownLatch(1);
        FakeExecutor.HOLD.put(slowKey, release);
        long slowOffset;
        try {
            slowOffset = produce(slowKey, batch(slowKey, Map.of(t0, 1f),
                    List.of(req("slow-1", t0, s0, 40, Encoding.JSON, ""))).build().toByteArray(), null, null);
            produce("fast-cluster", batch("fast-cluster", Map.of(t0, 0.9f), List.of(req("fast-1", t0, s0, 41,
                    Encoding.JSON, ""))).build().toByteArray(), null, null);
            // the fast cluster is answered while the slow call is still held by the executor
            await("twin.results", "fast-1"::equals, 1);
            assertEquals(1, release.getCount());
            // the commit interval of the test profile is 200 ms: give it a few rounds, it must stay before slow-1
            Thread.sleep(1000);
            assertTrue(committed() <= slowOffset, "committed " + committed() + " passes the unanswered record at "
                    + slowOffset);
        } finally {
            release.countDown();
            FakeExecutor.HOLD.remove(slowKey);
        }
        await("twin.results", "slow-1"::equals, 1);
        // answered now: the commit moves past it
        long end = System.nanoTime() + WAIT.toNanos();
        while (committed() <= slowOffset && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertTrue(committed() > slowOffset, "committed " + committed() + " after the answer at " + slowOffset);
    }

    /** The merger group's committed offset on twin.routed (next offset to read), -1 when none. */
    private static long committed() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        try (Admin admin = Admin.create(p)) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets("twin-merger").partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition("twin.routed", 0));
            return o == null ? -1 : o.offset();
        }
    }

    @Test
    void aResultThatCannotBeWrittenSendsItsItemToTheDlqAndTheConsumerGoesOn() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        int t = bundle.modules().tasks().size();
        Random rng = new Random(3);
        float[][] w = {rowWeights(rng, t), rowWeights(rng, t)};
        // "bad topic!" is no legal topic name: the broker refuses the write of that one result
        RoutedBatch poison = batch("exact", Map.of(), List.of(req("poison-1", t0, s0, 50, Encoding.JSON,
                "bad topic!"), req("poison-ok", t0, s0, 51, Encoding.JSON, ""))).setRowWeights(le(w)).build();
        produce("exact", poison.toByteArray(), "x-trace", "9");
        ConsumerRecord<String, byte[]> dead = await("twin.dlq", k -> true, r -> "poison-1".equals(
                RoutedBatch.parseFrom(r.value()).getItems(0).getRequestId()), 1).get(0);
        assertEquals("merger", header(dead, "twin-error-stage"));
        assertEquals("9", header(dead, "x-trace"));
        assertTrue(header(dead, "twin-error").contains("could not be written to 'bad topic!'"),
                header(dead, "twin-error"));
        RoutedBatch item = RoutedBatch.parseFrom(dead.value());
        assertEquals(1, item.getItemsCount());
        assertEquals(poison.getRows().substring(0, s0.dim() * 4), item.getRows());
        assertEquals(poison.getRowWeights().substring(0, t * 4), item.getRowWeights());
        // the other item of the record, and a record after it, are answered
        await("twin.results", "poison-ok"::equals, 1);
        produce("exact", batch("exact", Map.of(), List.of(req("after-poison", t0, s0, 52, Encoding.JSON, "")))
                .setRowWeights(le(new float[][]{rowWeights(rng, t)})).build().toByteArray(), null, null);
        await("twin.results", "after-poison"::equals, 1);
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void badRecordsGoToTheDlqWithTheReasonAndTheConsumerGoesOn() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        byte[] garbage = "not a protobuf \u00ff\u00fe".getBytes(StandardCharsets.UTF_8);
        produce("bad-garbage", garbage, "x-trace", "7");
        RoutedBatch unknownTask = batch("bad-task", Map.of(t0, 1f), List.of(req("u-1", "nope", s0, 0, Encoding.JSON,
                ""))).build();
        produce("bad-task", unknownTask.toByteArray(), null, null);
        RoutedBatch shortRow = RoutedBatch.newBuilder().setClusterKey("bad-len").putMergeWeights(t0, 1f)
                .addItems(RoutedItem.newBuilder().setRequestId("s-1").setTask(t0).setEncoding(Encoding.JSON))
                .setRowSize(s0.dim()).setRows(le(new float[][]{{1f}})).build();
        produce("bad-len", shortRow.toByteArray(), null, null);
        RoutedBatch noWeights = batch("exact", Map.of(), List.of(req("nw-1", t0, s0, 0, Encoding.JSON, "")))
                .build();
        produce("bad-exact", noWeights.toByteArray(), null, null);
        RoutedBatch.Builder ownCluster = batch("lattice-z", Map.of(t0, 1f), List.of(req("oc-1", t0, s0, 0,
                Encoding.JSON, "")));
        ownCluster.setItems(0, ownCluster.getItems(0).toBuilder().setClusterKey("lattice-y"));
        produce("bad-own-cluster", ownCluster.build().toByteArray(), null, null);
        String key = "good-after-bad";
        produce(key, batch(key, Map.of(t0, 1f), List.of(req("g-1", t0, s0, 5, Encoding.JSON, ""))).build()
                .toByteArray(), null, null);

        Map<String, ConsumerRecord<String, byte[]>> dlq = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : await("twin.dlq", k -> k.startsWith("bad-"), 5)) {
            dlq.put(r.key(), r);
            assertEquals("merger", header(r, "twin-error-stage"));
        }
        ConsumerRecord<String, byte[]> g = dlq.get("bad-garbage");
        assertArrayEquals(garbage, g.value());
        assertEquals("7", header(g, "x-trace"), "original headers are kept");
        assertTrue(header(g, "twin-error").contains("not a twin.routed.RoutedBatch"), header(g, "twin-error"));
        assertArrayEquals(unknownTask.toByteArray(), dlq.get("bad-task").value());
        assertTrue(header(dlq.get("bad-task"), "twin-error").contains("unknown task 'nope'"),
                header(dlq.get("bad-task"), "twin-error"));
        assertEquals("cluster 'bad-len': rows carry 4 bytes but 1 rows × " + s0.dim() + " float32 need "
                + 4 * s0.dim(), header(dlq.get("bad-len"), "twin-error"));
        assertEquals("cluster 'exact': row weights carry 0 bytes but 1 rows × " + bundle.modules().tasks().size()
                + " tasks need " + 4 * bundle.modules().tasks().size(), header(dlq.get("bad-exact"), "twin-error"));
        assertEquals("cluster 'lattice-z' item 0 (request 'oc-1'): names its own cluster 'lattice-y', which only a"
                + " record of cluster 'exact' (rows with their own weights) may carry",
                header(dlq.get("bad-own-cluster"), "twin-error"));

        // the good batch produced after them is answered
        int[] p = expected(Map.of(t0, 1f), t0, 6);
        assertEquals(p[5], decode(await("twin.results", "g-1"::equals, 1).get(0)).predicted());
    }

    /** Σ of the counts of the meters found (counters, function counters, timers and summaries: their count). */
    private double count(Search search) {
        return search.counters().stream().mapToDouble(c -> c.count()).sum()
                + search.functionCounters().stream().mapToDouble(c -> c.count()).sum()
                + search.timers().stream().mapToDouble(t -> t.count()).sum()
                + search.summaries().stream().mapToDouble(d -> d.count()).sum();
    }

    private double rows(String path) {
        return registry.find("twin.merger.call.rows").tag("path", path).summaries().stream()
                .mapToDouble(d -> d.totalAmount()).sum();
    }

    /** The meter values the test reads, at one instant. */
    private Map<String, Double> meters(String key) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("grouped", count(registry.find("twin.merger.records").tag("route", "grouped")));
        m.put("static", count(registry.find("twin.merger.records").tag("route", "static")));
        m.put("ok", count(registry.find("twin.merger.results").tag("outcome", "ok")));
        m.put("latencies", count(registry.find("twin.merger.process")));
        m.put("materialized", rows("materialized"));
        m.put("shared", rows("shared"));
        m.put("hits", count(registry.find("twin.merger.cache.hits")));
        m.put("misses", count(registry.find("twin.merger.cache.misses")));
        m.put("materializations", count(registry.find("twin.merger.materialize")));
        m.put("installs", count(registry.find("twin.merger.install").tag("executor", LIVE)));
        m.put("calls", count(registry.find("twin.merger.executor.calls").tag("executor", LIVE).tag("outcome", "ok")));
        m.put("dlq", count(registry.find("twin.dlq.records").tag("stage", "merger").tag("reason", "bad_record")));
        m.put("polled", registry.find("twin.merger.poll.records").summaries().stream()
                .mapToDouble(d -> d.totalAmount()).sum());
        return m;
    }

    @Test
    void metersMoveByWhatTheMergerDid() throws Exception {
        init();
        List<String> tasks = bundle.modules().tasks();
        String t0 = tasks.get(0);
        Split s0 = data.get(t0).test();
        Map<String, Float> w = Map.of(t0, 0.4f, tasks.get(1), 0.6f);
        HashRing ring = new HashRing(List.of(DEAD, LIVE), 64);
        String key = "metrics-0";
        for (int i = 0; !ring.owner(key).equals(LIVE); i++) {
            key = "metrics-" + i; // owned by the live executor: no fail-over in the counts
        }
        Map<String, Float> zeros = new HashMap<>();
        tasks.forEach(x -> zeros.put(x, 0f));
        Map<String, Double> before = meters(key);

        produce(key, batch(key, w, List.of(req("mt-0", t0, s0, 40, Encoding.JSON, ""), req("mt-1", t0, s0, 41,
                Encoding.JSON, ""), req("mt-2", t0, s0, 42, Encoding.JSON, ""))).build().toByteArray(), null, null);
        await("twin.results", k -> k.startsWith("mt-"), 3);
        produce(key, batch(key, w, List.of(req("mu-0", t0, s0, 43, Encoding.JSON, ""), req("mu-1", t0, s0, 44,
                Encoding.JSON, ""))).build().toByteArray(), null, null);
        produce("static", batch("static", zeros, List.of(req("ms-0", t0, s0, 45, Encoding.JSON, ""),
                req("ms-1", t0, s0, 46, Encoding.JSON, ""))).build().toByteArray(), null, null);
        produce("metrics-garbage", "garbage".getBytes(StandardCharsets.UTF_8), null, null);
        await("twin.results", k -> k.startsWith("mu-") || k.startsWith("ms-"), 4);
        await("twin.dlq", "metrics-garbage"::equals, 1);

        // results are counted once the broker acked them, which may be just after the consumer above read them
        Map<String, Double> after = meters(key);
        for (int i = 0; i < 50 && after.get("ok") - before.get("ok") < 7; i++) {
            Thread.sleep(100);
            after = meters(key);
        }
        Map<String, Double> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.get(k)));
        Map<String, Double> want = new LinkedHashMap<>();
        want.put("grouped", 2.0);        // two records of the cluster
        want.put("static", 1.0);
        want.put("ok", 7.0);             // 3 + 2 + 2 items answered
        want.put("latencies", 7.0);
        want.put("materialized", 5.0);   // rows on θ(w)
        want.put("shared", 2.0);         // rows on θ*
        want.put("hits", 1.0);           // the second record of the key
        want.put("misses", 1.0);
        want.put("materializations", 1.0);
        want.put("installs", 1.0);
        want.put("calls", 3.0);          // two cluster calls and the static one, all on the live executor
        want.put("dlq", 1.0);
        want.put("polled", 4.0);         // every record polled, the bad one included
        assertEquals(want, delta);

        // the Prometheus endpoint shows them under their exported names
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("twin_merger_results_total{outcome=\"ok\"}", "twin_merger_cache_hits_total",
                "twin_merger_cache_bytes", "twin_merger_materialize_seconds_bucket",
                "twin_dlq_records_total{reason=\"bad_record\",stage=\"merger\"}",
                "twin_merger_call_rows_sum{path=\"materialized\"}", "twin_merger_executor_inflight{executor=",
                "kafka_consumer_fetch_manager_records_lag_max{client_id=\"kafka-consumer-routed\"")) {
            assertTrue(text.contains(name), "/q/metrics lacks " + name);
        }
        assertEquals((double) cache.stats().bytes(), registry.get("twin.merger.cache.bytes").gauge().value());
    }

    /** An exact item as the router sends it: its correlation and the client's original request. */
    private static RoutedItem.Builder routedByRouter(RoutedItem item, String correlation, String originalKey,
                                                     String originalValue) {
        return item.toBuilder().setCorrelation(correlation).setOriginal(OriginalRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(originalKey)).setValue(ByteString.copyFromUtf8(originalValue))
                .addHeaders(OriginalHeader.newBuilder().setKey("x-client")
                        .setValue(ByteString.copyFromUtf8("c-" + originalKey))));
    }

    @Test
    void aRejectedItemReachesTheDlqAsTheClientSentItAndItsCallerGetsAnErrorResult() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        int t = bundle.modules().tasks().size();
        Random rng = new Random(5);
        RoutedBatch.Builder rejected = batch("exact", Map.of(), List.of(req("reject-1", t0, s0, 60, Encoding.PROTOBUF,
                ""))).setRowWeights(le(new float[][]{rowWeights(rng, t)}));
        rejected.setItems(0, routedByRouter(rejected.getItems(0), "r9:1", "ck-1", "client bytes 1"));
        // two callers used the same id "same-id": the router's correlations tell them apart
        float[][] w = {rowWeights(rng, t), rowWeights(rng, t)};
        RoutedBatch.Builder fine = batch("exact", Map.of(), List.of(req("same-id", t0, s0, 61, Encoding.JSON, ""),
                req("same-id", t0, s0, 62, Encoding.JSON, ""))).setRowWeights(le(w));
        fine.setItems(0, routedByRouter(fine.getItems(0), "r9:2", "same-id", "a"));
        fine.setItems(1, routedByRouter(fine.getItems(1), "r9:3", "same-id", "b"));
        produce("exact#1", rejected.build().toByteArray(), null, null);
        produce("exact#2", fine.build().toByteArray(), null, null);

        ConsumerRecord<String, byte[]> dead = await("twin.dlq", "ck-1"::equals, 1).get(0);
        assertEquals("client bytes 1", new String(dead.value(), StandardCharsets.UTF_8), "the client's value");
        assertEquals("c-ck-1", header(dead, "x-client"), "the client's headers");
        assertEquals("merger", header(dead, "twin-error-stage"));
        assertEquals("reject-1", header(dead, "twin-request-id"));
        assertEquals("r9:1", header(dead, "twin-correlation"));
        assertTrue(header(dead, "twin-error").contains("row of request 'reject-1' refused"), header(dead, "twin-error"));

        ConsumerRecord<String, byte[]> told = await("twin.results", "reject-1"::equals, 1).get(0);
        assertEquals("INVALID_ARGUMENT", header(told, "twin-error-code"));
        assertEquals("r9:1", header(told, "twin-correlation"));
        assertEquals(header(dead, "twin-error"), header(told, "twin-error"));
        ModelInferResponse error = ModelInferResponse.parseFrom(told.value());
        assertEquals("reject-1", error.getId());
        assertEquals(header(dead, "twin-error"), error.getParametersOrThrow("error").getStringParam());
        assertEquals(0, error.getOutputsCount());

        List<ConsumerRecord<String, byte[]>> same = await("twin.results", "same-id"::equals, 2);
        Map<String, Integer> byCorrelation = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : same) {
            byCorrelation.put(header(r, "twin-correlation"), decode(r).predicted());
        }
        assertEquals(Map.of("r9:2", predict(w[0], t0, Arrays.copyOfRange(s0.x(), 61 * s0.dim(), 62 * s0.dim())),
                "r9:3", predict(w[1], t0, Arrays.copyOfRange(s0.x(), 62 * s0.dim(), 63 * s0.dim()))), byCorrelation);
    }

    @Test
    void readyOnceTheBundleIsLoaded() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("merger-bundle"), containsString("cache-hits"))
                // device=auto: the GPU when DJL sees one (this same test then materializes there), else the CPU
                .body("checks.find { it.name == 'merger-bundle' }.data.device",
                        startsWith(ai.djl.engine.Engine.getInstance().getGpuCount() > 0 ? "cuda:0 (" : "cpu ("));
    }
}
