package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.GrpcClient;
import dev.twin.cli.traffic.OfflineReference;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bert.MiniLm;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.BundleFiles;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Bert;
import dev.twin.core.router.RouterConfig;
import dev.twin.core.suite.Recipe;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A text model served end to end: a bundle of the real all-MiniLM-L6-v2 encoder (three experts made by perturbing its
 * FFN weights, a head each, the router trained on MiniLM features), served by the packaged services; requests carry
 * plain UTF-8 text (OIP BYTES) over REST and gRPC, the router tokenizes with the bundle's tokenizer.json, and every
 * answer uses the requested head and equals the prediction computed offline from the same text.
 */
class TextServingTest {
    private static final int L = 16;
    private static final List<String> TASKS = List.of("animals", "code", "weather");
    private static final String[][] TEXTS = {
        {"The cat chased a mouse", "A dog barked at the horse", "Birds nest in the old oak", "The cow grazed near the goat"},
        {"The function returns a pointer", "Compile the module with flags", "The loop frees each buffer",
            "This syscall closes a descriptor"},
        {"Heavy rain falls tonight", "A cold wind blows from the north", "Sunny skies by noon", "Snow covers the hills"}};
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path work;

    @AfterEach
    void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    private static List<String> texts(int task, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TEXTS[task][i % TEXTS[task].length] + " number " + i + ".");
        }
        return out;
    }

    private static Split rows(BertTokenizer tok, List<String> texts) {
        float[][] r = tok.encode(texts).rows();
        float[] x = new float[r.length * 2 * L];
        int[] y = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(r[i], 0, x, i * 2 * L, 2 * L);
            y[i] = i % 2;
        }
        return new Split(x, y, r.length, 2 * L);
    }

    /** Expert t: MiniLM with every layer's FFN output weights moved by seeded noise, and its own random head. */
    private static WeightSet expert(WeightSet base, int t, int featureDim) {
        WeightSet e = new WeightSet();
        SplittableRandom rng = new SplittableRandom(100 + t);
        for (String name : base.names()) {
            FloatTensor w = base.get(name);
            if (name.matches("trunk\\.encoder\\.layer\\.\\d+\\.output\\.dense\\.weight")) {
                float[] d = w.data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] += (float) (0.02 * rng.nextGaussian());
                }
                e.put(name, new FloatTensor(w.shape(), d));
            } else {
                e.put(name, w);
            }
        }
        float[] head = new float[2 * featureDim];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (0.1 * rng.nextGaussian());
        }
        e.put("head." + TASKS.get(t) + ".weight", new FloatTensor(new int[]{2, featureDim}, head));
        e.put("head." + TASKS.get(t) + ".bias", new FloatTensor(new int[]{2}, new float[]{0.05f, -0.05f}));
        return e;
    }

    @Test
    @Timeout(420)
    void plainTextIsTokenizedAtTheRouterAndAnsweredByTheRequestedHead() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "text-").toAbsolutePath();
        Bert bert = Bert.of(BertCheckpoint.config(MiniLm.dir()), L);
        WeightSet trunk = BertCheckpoint.trunk(MiniLm.dir());
        List<TaskData> tasks = new ArrayList<>();
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), L)) {
            for (int t = 0; t < TASKS.size(); t++) {
                Split s = rows(tok, texts(t, 60));
                tasks.add(new TaskData(TASKS.get(t), 2, s, s, s));
            }
        }
        Map<String, WeightSet> experts = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
            experts.put(TASKS.get(t), expert(trunk, t, bert.featureDim()));
        }
        TaskSuite suite = new TaskSuite() {
            public String name() {
                return "text-it";
            }

            public ArchitectureSpec architecture() {
                return bert.spec();
            }

            public List<TaskData> tasks() {
                return tasks;
            }

            public Recipe recipe() {
                throw new UnsupportedOperationException("experts are made by the test");
            }

            public String dataVersion() {
                return "text-it";
            }

            public Optional<Path> tokenizer() {
                return Optional.of(MiniLm.tokenizerJson());
            }
        };
        TwinRecipe recipe = new TwinRecipe("task-arithmetic", 0.5, null, "svd", 4, null,
                new RouterConfig(5e-4, 32, 6, 0.2, 7), 1.0, 0);
        Bundle bundle = SuiteBundler.build(suite, new SuiteModels(trunk, experts), recipe, root.resolve("bundle"),
                System.out);
        assertTrue(bundle.manifest().files().containsKey(BundleFiles.TOKENIZER), "the bundle carries its tokenizer");

        work = root.resolve("stack");
        StackRecord stack = Stack.up(bundle.dir(), work, Stack.Options.defaults()
                .withRouter("twin.router.sync-timeout-ms", "120000"), System.out);

        // one unseen text per task, each over REST and gRPC
        List<String> probe = List.of("A horse ran past the barn", "Free the buffer before the loop returns",
                "Rain and wind from the west tonight");
        List<TrafficItem> items = new ArrayList<>();
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), L)) {
            for (int i = 0; i < probe.size(); i++) {
                float[] row = tok.encode(List.of(probe.get(i))).rows()[0];
                items.add(new TrafficItem("text-" + i, TASKS.get(i), 0, row, Channel.GRPC));
            }
        }
        Map<String, float[]> offline = OfflineReference.bundleLogits(bundle,
                GroupingStrategies.create("exact", 4, 2, 4, 0), bundle.manifest().router().temperature(), items);
        Map<String, Integer> expected = OfflineReference.bundle(bundle, GroupingStrategies.create("exact", 4, 2, 4, 0),
                bundle.manifest().router().temperature(), items);

        try (GrpcClient grpc = new GrpcClient(stack.endpoints().grpc())) {
            for (int i = 0; i < probe.size(); i++) {
                String task = TASKS.get(i);
                JsonNode rest = rest(stack, "rest-" + i, task, probe.get(i));
                assertEquals(task, rest.get("parameters").get("task").asText(), rest.toString());
                JsonNode logits = output(rest, "logits");
                assertEquals(2, logits.get("data").size(), "two logits of the " + task + " head");
                for (int c = 0; c < 2; c++) { // same tokens and router weights; θ(w) factored in the stack, materialized offline
                    assertEquals(offline.get("text-" + i)[c], logits.get("data").get(c).floatValue(), 1e-4,
                            "logit " + c + " of '" + probe.get(i) + "' against the offline computation");
                }
                assertEquals(expected.get("text-" + i).intValue(), output(rest, "predicted").get("data").get(0).asInt(),
                        "REST answer to '" + probe.get(i) + "' equals the offline prediction");

                ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setId("grpc-" + i).setModelName("twin")
                        .putParameters("task", InferParameter.newBuilder().setStringParam(task).build());
                b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("text").setDatatype("BYTES")
                        .addShape(1).setContents(InferTensorContents.newBuilder()
                                .addBytesContents(com.google.protobuf.ByteString.copyFromUtf8(probe.get(i)))));
                ModelInferResponse r = grpc.inferBlocking(b.build(), 120_000);
                assertEquals(task, r.getParametersOrThrow("task").getStringParam());
                for (ModelInferResponse.InferOutputTensor o : r.getOutputsList()) {
                    if (o.getName().equals("predicted")) {
                        assertEquals(expected.get("text-" + i).longValue(), o.getContents().getInt64Contents(0),
                                "gRPC answer to '" + probe.get(i) + "'");
                    }
                }
            }
        }
    }

    private static JsonNode rest(StackRecord stack, String id, String task, String text) throws Exception {
        String body = JSON.writeValueAsString(Map.of("id", id, "parameters", Map.of("task", task),
                "inputs", List.of(Map.of("name", "text", "shape", List.of(1), "datatype", "BYTES",
                        "data", List.of(text)))));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        stack.endpoints().http() + "/v2/models/twin/infer")).timeout(Duration.ofSeconds(150))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode output(JsonNode answer, String name) {
        for (JsonNode o : answer.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output '" + name + "' in " + answer);
    }
}
