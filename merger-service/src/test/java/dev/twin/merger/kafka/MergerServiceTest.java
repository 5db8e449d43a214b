package dev.twin.merger.kafka;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
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
import dev.twin.proto.routed.RoutedItem;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
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
 * install; bad records land in twin.dlq with the reason and the consumer goes on.
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

    private static RoutedItem item(String id, String task, Split split, int row, Encoding enc, String replyTo) {
        RoutedItem.Builder b = RoutedItem.newBuilder().setRequestId(id).setTask(task).setEncoding(enc)
                .setReplyTo(replyTo);
        for (int i = 0; i < split.dim(); i++) {
            b.addValues(split.x()[row * split.dim() + i]);
        }
        return b.build();
    }

    private static void produce(String key, byte[] value, String headerName, String headerValue) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaAndBundle.bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>("twin.routed", key, value);
            if (headerName != null) {
                r.headers().add(headerName, headerValue.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(r).get();
        }
    }

    /** Records of topic whose key satisfies want, polled until count of them arrived. */
    private static List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<String> want, int count) {
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
                    if (r.key() != null && want.test(r.key())) {
                        out.add(r);
                    }
                }
            }
            // anything beyond count would be a duplicate: poll once more to see it
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                if (r.key() != null && want.test(r.key())) {
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

    /** The prediction, task and cluster key of a result in either encoding, with its shape checks. */
    private record Decoded(String id, int predicted, int classes, String task, String clusterKey,
                           Map<String, Float> weights) {
    }

    private static Decoded decode(ConsumerRecord<String, byte[]> r) throws Exception {
        String type = header(r, "content-type");
        if ("application/json".equals(type)) {
            JsonNode n = JSON.readTree(r.value());
            JsonNode logits = n.get("outputs").get(0);
            assertEquals("logits", logits.get("name").asText());
            assertEquals("FP32", logits.get("datatype").asText());
            JsonNode pred = n.get("outputs").get(1);
            assertEquals("predicted", pred.get("name").asText());
            Map<String, Float> w = new HashMap<>();
            n.get("parameters").get("router_weights").fields()
                    .forEachRemaining(e -> w.put(e.getKey(), (float) e.getValue().asDouble()));
            assertEquals(logits.get("data").size(), logits.get("shape").get(1).asInt());
            return new Decoded(n.get("id").asText(), pred.get("data").get(0).asInt(), logits.get("data").size(),
                    n.get("parameters").get("task").asText(), n.get("parameters").get("cluster_key").asText(), w);
        }
        assertEquals("application/x-protobuf", type);
        ModelInferResponse m = ModelInferResponse.parseFrom(r.value());
        assertEquals("twin", m.getModelName());
        Map<String, Float> w = new HashMap<>();
        JSON.readTree(m.getParametersOrThrow("router_weights").getStringParam()).fields()
                .forEachRemaining(e -> w.put(e.getKey(), (float) e.getValue().asDouble()));
        return new Decoded(m.getId(), (int) m.getOutputs(1).getContents().getInt64Contents(0),
                m.getOutputs(0).getContents().getFp32ContentsCount(),
                m.getParametersOrThrow("task").getStringParam(),
                m.getParametersOrThrow("cluster_key").getStringParam(), w);
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
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey(key).putAllMergeWeights(w);
        Map<String, Integer> want = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            b.addItems(item("a0-" + i, t0, s0, i, i % 2 == 0 ? Encoding.JSON : Encoding.PROTOBUF, ""));
            b.addItems(item("a1-" + i, t1, s1, i, i % 2 == 0 ? Encoding.PROTOBUF : Encoding.JSON, ""));
        }
        // no task named: the arg-max of w (t0) applies; and one answer goes to its own reply-to topic
        b.addItems(item("a-notask", "", s0, 3, Encoding.JSON, ""));
        b.addItems(item("a-reply", t1, s1, 3, Encoding.PROTOBUF, "my.replies"));
        int[] p0 = expected(w, t0, 4);
        int[] p1 = expected(w, t1, 4);
        for (int i = 0; i < 3; i++) {
            want.put("a0-" + i, p0[i]);
            want.put("a1-" + i, p1[i]);
        }
        want.put("a-notask", p0[3]);
        produce(key, b.build().toByteArray(), null, null);

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
            assertEquals(Map.of(t0, 0.7f, t1, 0.3f), d.weights());
        }
        Decoded reply = decode(await("my.replies", "a-reply"::equals, 1).get(0));
        assertEquals(p1[3], reply.predicted());
        assertEquals(installsBefore + 1, FakeExecutor.INSTALLS.get(), "one install of the new set");
        assertTrue(FakeExecutor.MAX_CHUNK.get() <= 262_144);
        CacheStats mid = cache.stats();
        assertEquals(before.misses() + 1, mid.misses());
        assertEquals(before.hits(), mid.hits());

        // the same cluster again: cache hit, no new install, right answers
        RoutedBatch again = RoutedBatch.newBuilder().setClusterKey(key).putAllMergeWeights(w)
                .addItems(item("b0-4", t0, s0, 4, Encoding.JSON, ""))
                .addItems(item("b1-4", t1, s1, 4, Encoding.JSON, "")).build();
        int[] q0 = expected(w, t0, 5);
        int[] q1 = expected(w, t1, 5);
        produce(key, again.toByteArray(), null, null);
        for (ConsumerRecord<String, byte[]> r : await("twin.results", k -> k.startsWith("b"), 2)) {
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

    @Test
    void badRecordsGoToTheDlqWithTheReasonAndTheConsumerGoesOn() throws Exception {
        init();
        String t0 = bundle.modules().tasks().get(0);
        Split s0 = data.get(t0).test();
        byte[] garbage = "not a protobuf \u00ff\u00fe".getBytes(StandardCharsets.UTF_8);
        produce("bad-garbage", garbage, "x-trace", "7");
        RoutedBatch unknownTask = RoutedBatch.newBuilder().setClusterKey("bad-task").putMergeWeights(t0, 1f)
                .addItems(item("u-1", "nope", s0, 0, Encoding.JSON, "")).build();
        produce("bad-task", unknownTask.toByteArray(), null, null);
        RoutedBatch shortRow = RoutedBatch.newBuilder().setClusterKey("bad-len").putMergeWeights(t0, 1f)
                .addItems(RoutedItem.newBuilder().setRequestId("s-1").setTask(t0).setEncoding(Encoding.JSON)
                        .addValues(1f)).build();
        produce("bad-len", shortRow.toByteArray(), null, null);
        String key = "good-after-bad";
        produce(key, RoutedBatch.newBuilder().setClusterKey(key).putMergeWeights(t0, 1f)
                .addItems(item("g-1", t0, s0, 5, Encoding.JSON, "")).build().toByteArray(), null, null);

        Map<String, ConsumerRecord<String, byte[]>> dlq = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : await("twin.dlq", k -> k.startsWith("bad-"), 3)) {
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
        assertTrue(header(dlq.get("bad-len"), "twin-error").contains("1 input values but the model takes "
                + s0.dim()), header(dlq.get("bad-len"), "twin-error"));

        // the good batch produced after them is answered
        int[] p = expected(Map.of(t0, 1f), t0, 6);
        assertEquals(p[5], decode(await("twin.results", "g-1"::equals, 1).get(0)).predicted());
    }

    @Test
    void readyOnceTheBundleIsLoaded() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("merger-bundle"), containsString("cache-hits"));
    }
}
