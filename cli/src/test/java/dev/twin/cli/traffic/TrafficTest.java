package dev.twin.cli.traffic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficTest {

    // task t, row i has input [t, i] and label i % 2
    private static TaskData task(String name, int t, int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = t;
            x[2 * i + 1] = i;
            y[i] = i % 2;
        }
        Split s = new Split(x, y, n, 2);
        return new TaskData(name, 2, s, s, s);
    }

    @Test
    void planMixesEveryTaskShuffledHalfKafkaHalfGrpc() {
        List<TaskData> tasks = List.of(task("a", 0, 10), task("b", 1, 3));
        List<TrafficItem> plan = TrafficPlan.of(tasks, 5, 42, "p");
        assertEquals(8, plan.size()); // 5 of a, all 3 of b
        Set<String> ids = new HashSet<>();
        for (TrafficItem i : plan) {
            assertTrue(ids.add(i.id()), "unique id " + i.id());
            int t = i.task().equals("a") ? 0 : 1;
            int row = (int) i.input()[1];
            assertArrayEquals(new float[]{t, row}, i.input());
            assertEquals(row % 2, i.label());
            assertEquals("p-" + i.task() + "-" + row, i.id());
        }
        assertEquals(4, plan.stream().filter(i -> i.channel() == Channel.KAFKA).count());
        assertEquals(plan.stream().map(TrafficItem::id).toList(),
                TrafficPlan.of(tasks, 5, 42, "p").stream().map(TrafficItem::id).toList());
        assertNotEquals(plan.stream().map(TrafficItem::id).toList(),
                TrafficPlan.of(tasks, 5, 43, "p").stream().map(TrafficItem::id).toList());
        assertThrows(IllegalArgumentException.class, () -> TrafficPlan.of(tasks, 0, 1, "p"));
    }

    @Test
    void answersAreReadFromTheMergersJsonAndProtobufResults() {
        String json = "{\"model_name\":\"twin\",\"id\":\"r7\",\"parameters\":{\"task\":\"flip\",\"router_weights\":"
                + "{\"flip\":0.75,\"rot90\":0.25},\"cluster_key\":\"q4:2=3,5=1\"},\"outputs\":[{\"name\":\"logits\","
                + "\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0.1,2.5,-1]},{\"name\":\"predicted\","
                + "\"datatype\":\"INT64\",\"shape\":[1],\"data\":[1]}]}";
        assertEquals(new Answer("r7", List.of(1), "flip", "q4:2=3,5=1", List.of(Map.of("flip", 0.75f, "rot90", 0.25f)),
                99), OipMessages.fromJson(json.getBytes(StandardCharsets.UTF_8), 99));
        ModelInferResponse pb = ModelInferResponse.newBuilder().setId("r8")
                .putParameters("task", InferParameter.newBuilder().setStringParam("coarse").build())
                .putParameters("cluster_key", InferParameter.newBuilder().setStringParam("static").build())
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("predicted").setDatatype("INT64")
                        .addShape(1).setContents(InferTensorContents.newBuilder().addInt64Contents(3)))
                .build();
        assertEquals(new Answer("r8", 3, "coarse", "static", 5), OipMessages.fromProto(pb, 5));
        assertEquals(3, OipMessages.fromProto(pb, 5).predicted());
        assertThrows(IllegalArgumentException.class,
                () -> OipMessages.fromJson("{\"id\":\"x\",\"outputs\":[]}".getBytes(StandardCharsets.UTF_8), 0));
        assertThrows(IllegalArgumentException.class, () -> OipMessages.fromJson("nope".getBytes(), 0));
    }

    @Test
    void answersOfNRowsKeepEachRowsClassAndRouterWeights() {
        // the merger's shape for a request [2, d]: logits [2, C], predicted [2], router_weights a list per row
        String json = "{\"model_name\":\"twin\",\"id\":\"b1\",\"parameters\":{\"task\":\"flip\",\"router_weights\":"
                + "[{\"a\":0.5,\"b\":0.5},{\"a\":1.0,\"b\":0.0}],\"cluster_key\":\"exact\"},\"outputs\":[{\"name\":"
                + "\"logits\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[0,1,3,2]},{\"name\":\"predicted\","
                + "\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1,0]}]}";
        Answer a = OipMessages.fromJson(json.getBytes(StandardCharsets.UTF_8), 7);
        assertEquals(List.of(1, 0), a.predictions());
        assertEquals(2, a.rows());
        assertEquals(List.of(Map.of("a", 0.5f, "b", 0.5f), Map.of("a", 1f, "b", 0f)), a.routerWeights());
        ModelInferResponse pb = ModelInferResponse.newBuilder().setId("b2")
                .putParameters("task", InferParameter.newBuilder().setStringParam("flip").build())
                .putParameters("cluster_key", InferParameter.newBuilder().setStringParam("exact").build())
                .putParameters("router_weights", InferParameter.newBuilder()
                        .setStringParam("[{\"a\":0.25,\"b\":0.75},{\"a\":0.5,\"b\":0.5}]").build())
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("predicted").setDatatype("INT64")
                        .addShape(2).setContents(InferTensorContents.newBuilder().addInt64Contents(4)
                                .addInt64Contents(2)))
                .build();
        Answer p = OipMessages.fromProto(pb, 1);
        assertEquals(List.of(4, 2), p.predictions());
        assertEquals(List.of(Map.of("a", 0.25f, "b", 0.75f), Map.of("a", 0.5f, "b", 0.5f)), p.routerWeights());
    }

    @Test
    void requestsCarryIdTaskAndTheInputAsFp32() throws Exception {
        TrafficItem item = new TrafficItem("q1", "noise", 4, new float[]{0.5f, -2f, 3f}, Channel.KAFKA);
        JsonNode j = new ObjectMapper().readTree(OipMessages.json(item));
        assertEquals("q1", j.get("id").asText());
        assertEquals("noise", j.get("parameters").get("task").asText());
        JsonNode in = j.get("inputs").get(0);
        assertEquals("FP32", in.get("datatype").asText());
        assertEquals("[1,3]", in.get("shape").toString());
        assertEquals("[0.5,-2.0,3.0]", in.get("data").toString());
        var pb = OipMessages.proto(item, "twin");
        assertEquals("twin", pb.getModelName());
        assertEquals("noise", pb.getParametersOrThrow("task").getStringParam());
        // raw contents: little-endian FP32, 4 bytes per value, nothing in fp32_contents
        assertEquals(0, pb.getInputs(0).getContents().getFp32ContentsCount());
        java.nio.FloatBuffer raw = pb.getRawInputContents(0).asReadOnlyByteBuffer()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] back = new float[raw.remaining()];
        raw.get(back);
        assertArrayEquals(new float[]{0.5f, -2f, 3f}, back);
        assertEquals(12, pb.getRawInputContents(0).size());
        assertEquals(List.of(1L, 3L), pb.getInputs(0).getShapeList());
        // Kafka records: protobuf by default, JSON on request
        assertEquals(pb, dev.twin.proto.inference.ModelInferRequest.parseFrom(
                OipMessages.request(item, "twin", RequestEncoding.PROTOBUF)));
        assertEquals("application/x-protobuf", TrafficRun.Settings.defaults().kafkaEncoding().contentType());
        assertEquals(j, new ObjectMapper().readTree(OipMessages.request(item, "twin", RequestEncoding.JSON)));
    }

    @Test
    void reportCountsAccuracyNormalizedLatencyAndClustersByHand() {
        // a: labels 0,1 — both answered right; expert right on one. b: label 0, answered 1 (wrong); one unanswered
        List<TrafficItem> items = List.of(
                new TrafficItem("a0", "a", 0, new float[]{0}, Channel.KAFKA),
                new TrafficItem("a1", "a", 1, new float[]{0}, Channel.GRPC),
                new TrafficItem("b0", "b", 0, new float[]{0}, Channel.KAFKA),
                new TrafficItem("b1", "b", 1, new float[]{0}, Channel.GRPC));
        long ms = 1_000_000;
        Map<String, Answer> answers = Map.of(
                "a0", new Answer("a0", 0, "a", "k1", 10 * ms),
                "a1", new Answer("a1", 1, "a", "k2", 30 * ms),
                "b0", new Answer("b0", 1, "b", "k1", 50 * ms));
        Map<String, Long> sent = Map.of("a0", 0L, "a1", 10 * ms, "b0", 10 * ms, "b1", 20 * ms);
        TrafficResult r = new TrafficResult(items, answers, 2, List.of(), Map.of(), sent, sent, 0,
                50 * ms);
        TrafficReport rep = TrafficReport.of("t", r, Map.of("a0", 0, "a1", 0, "b0", 0), new MergerStats(3, 1));
        assertEquals(4, rep.requests());
        assertEquals(3, rep.answered());
        assertEquals(1, rep.unanswered());
        assertEquals(2, rep.duplicates());
        assertEquals(1.0, rep.tasks().get("a").accuracy());
        assertEquals(0.5, rep.tasks().get("a").fineTunedAccuracy());
        assertEquals(200.0, rep.tasks().get("a").normalized(), 1e-9);
        assertEquals(0.0, rep.tasks().get("b").accuracy());
        assertEquals(1.0, rep.tasks().get("b").fineTunedAccuracy());
        assertEquals(100.0, rep.normalized(), 1e-9); // (200 + 0) / 2
        assertEquals(60.0, rep.throughput(), 1e-9); // 3 answers in 50 ms
        // latencies 10, 20, 40 ms: nearest-rank p50 = 20, p99 = 40
        assertEquals(20.0, rep.p50Ms(), 1e-9);
        assertEquals(40.0, rep.p99Ms(), 1e-9);
        assertEquals(2, rep.clusters());
        assertEquals(0.75, rep.cache().hitRate(), 1e-12);
        assertEquals(25.0, TrafficReport.percentile(new double[]{40, 10, 30, 25}, 50), 0);
    }
}
