package dev.twin.executor.grpc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import dev.twin.executor.SyntheticBundle;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Executor;
import dev.twin.proto.executor.HealthReply;
import dev.twin.proto.executor.HealthRequest;
import dev.twin.proto.executor.InstallReply;
import dev.twin.proto.executor.InstalledSet;
import dev.twin.proto.executor.ListRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.executor.WeightChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The running service through a real gRPC client: installs θ(w) materialized by core for one-hot w, executes batches
 * and compares with core's {@link Evaluation#predict} and a plain-Java forward pass; rows with their own weights
 * (factored, nothing installed) against a plain forward pass over each row's θ(w) materialized by core, θ* alone, an
 * installed key plus each row's residual; bad requests, eviction, listing and readiness.
 */
@QuarkusTest
@QuarkusTestResource(SyntheticBundle.class)
class ExecutorServiceTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final int CHUNK = 500;
    private static Bundle bundle;
    private static Materializer materializer;
    private static List<TaskData> tasks;

    @GrpcClient("executor")
    Executor client;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "twin.executor.bundle")
    Path bundleDir;

    private void init() {
        if (bundle == null) {
            bundle = Bundle.load(bundleDir);
            materializer = new Materializer(bundle.modules());
            tasks = SyntheticBundle.suite().tasks();
        }
    }

    @AfterAll
    static void close() {
        if (materializer != null) {
            materializer.close();
        }
    }

    /** θ(w) for w = one-hot of task t, without heads (what the merger installs). */
    private WeightSet oneHot(int t) {
        init();
        float[] w = new float[bundle.modules().tasks().size()];
        w[t] = 1f;
        return materializer.materializeWeights(w).filter(n -> !n.matches(Architecture.HEAD_REGEX));
    }

    private static List<WeightChunk> chunks(String key, WeightSet ws) {
        List<WeightChunk> out = new ArrayList<>();
        for (Map.Entry<String, FloatTensor> e : ws.asMap().entrySet()) {
            float[] d = e.getValue().data();
            for (int off = 0; off < d.length; off += CHUNK) {
                WeightChunk.Builder b = WeightChunk.newBuilder().setKey(key).setTensor(e.getKey()).setOffset(off);
                for (int s : e.getValue().shape()) {
                    b.addShape(s);
                }
                for (int i = off; i < Math.min(d.length, off + CHUNK); i++) {
                    b.addData(d[i]);
                }
                out.add(b.build());
            }
        }
        out.set(out.size() - 1, out.get(out.size() - 1).toBuilder().setLast(true).build());
        return out;
    }

    private InstallReply install(String key, List<WeightChunk> chunks) {
        return client.install(Multi.createFrom().iterable(chunks)).await().atMost(T);
    }

    private static Row row(String id, String task) {
        return Row.newBuilder().setRequestId(id).setTask(task).build();
    }

    /** Floats as one little-endian float32 block (the executor's input and weight encoding). */
    private static ByteString le(float[]... rows) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(rows).mapToInt(r -> r.length).sum() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            for (float v : r) {
                b.putFloat(v);
            }
        }
        return ByteString.copyFrom(b.array());
    }

    /** One request on key with one row per x (ids "r-i"), tasks per row, and optional per-row weights. */
    private static ExecuteRequest request(String key, List<String> tasks, float[][] x, float[][] w) {
        ExecuteRequest.Builder b = ExecuteRequest.newBuilder().setKey(key).setInputs(le(x));
        for (int i = 0; i < x.length; i++) {
            b.addRows(row("r-" + i, tasks.get(i)));
        }
        if (w != null) {
            b.setWeights(le(w));
        }
        return b.build();
    }

    private static float[] logits(RowResult r) {
        float[] got = new float[r.getLogitsCount()];
        for (int c = 0; c < got.length; c++) {
            got[c] = r.getLogits(c);
        }
        return got;
    }

    private static StatusRuntimeException failure(Uni<?> call) {
        return assertThrows(StatusRuntimeException.class, () -> call.await().atMost(T));
    }

    @Test
    void batchMatchesCoreEvaluationAndPlainForward() {
        init();
        int t = 1;
        String own = bundle.modules().tasks().get(t);
        String other = bundle.modules().tasks().get(2);
        WeightSet trunk = oneHot(t);
        InstallReply reply = install("onehot-" + own, chunks("onehot-" + own, trunk));
        assertEquals(trunk.size(), reply.getTensors());
        assertEquals(trunk.numel(), reply.getValues());

        // 30 rows of the expert's own task and 10 of another task (its own head), interleaved in one batch
        int n = 40;
        List<String> rowTask = new ArrayList<>();
        List<float[]> rowX = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = i % 4 == 3 ? other : own;
            Split test = taskData(name).test();
            int r = i / 4 * 3 + i % 4;
            float[] x = java.util.Arrays.copyOfRange(test.x(), r * test.dim(), (r + 1) * test.dim());
            rowTask.add(name);
            rowX.add(x);
        }
        ExecuteReply out = client.execute(request("onehot-" + own, rowTask, rowX.toArray(float[][]::new), null))
                .await().atMost(T);
        assertEquals(n, out.getResultsCount());

        Architecture arch = Architectures.create(bundle.manifest().architecture());
        for (String name : List.of(own, other)) {
            WeightSet withHead = new WeightSet(trunk.asMap());
            bundle.modules().heads().get(name).asMap().forEach(withHead::put);
            int[] idx = IntStream.range(0, n).filter(i -> rowTask.get(i).equals(name)).toArray();
            float[] xs = new float[idx.length * rowX.get(0).length];
            for (int k = 0; k < idx.length; k++) {
                System.arraycopy(rowX.get(idx[k]), 0, xs, k * rowX.get(0).length, rowX.get(0).length);
            }
            int[] expected = Evaluation.predict(arch, withHead, name,
                    new Split(xs, new int[idx.length], idx.length, rowX.get(0).length));
            for (int k = 0; k < idx.length; k++) {
                RowResult res = out.getResults(idx[k]);
                assertEquals("r-" + idx[k], res.getRequestId());
                assertEquals(name, res.getTask());
                assertEquals(expected[k], res.getPredicted(), "row " + idx[k]);
                float[] ref = Reference.mlpLogits(trunk, bundle.modules().heads().get(name), name, rowX.get(idx[k]));
                float[] got = new float[res.getLogitsCount()];
                for (int c = 0; c < got.length; c++) {
                    got[c] = res.getLogits(c);
                }
                assertArrayEquals(ref, got, 1e-4f, "logits of row " + idx[k]);
            }
        }
        // the expert's own weights classify its own task well (labels are the suite's, not the code's)
        int correct = 0;
        int own30 = 0;
        for (int i = 0; i < n; i++) {
            if (rowTask.get(i).equals(own)) {
                own30++;
                int r = i / 4 * 3 + i % 4;
                if (out.getResults(i).getPredicted() == taskData(own).test().y()[r]) {
                    correct++;
                }
            }
        }
        assertTrue(correct >= 0.8 * own30, "accuracy " + correct + "/" + own30);
    }

    private static TaskData taskData(String name) {
        return tasks.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void badBatchesAreRejectedWithTheReason() {
        init();
        String task = bundle.modules().tasks().get(0);
        int t = bundle.modules().tasks().size();
        install("bad-batch", chunks("bad-batch", oneHot(0)));
        float[] x = new float[32];

        StatusRuntimeException shortRow = failure(client.execute(ExecuteRequest.newBuilder().setKey("bad-batch")
                .addRows(row("ok", task)).addRows(row("short", task)).setInputs(le(x, new float[31])).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, shortRow.getStatus().getCode());
        assertEquals("inputs carry 252 bytes but 2 rows × 32 floats (input shape [32]) need 256",
                shortRow.getStatus().getDescription());

        StatusRuntimeException unknownTask = failure(client.execute(request("bad-batch", List.of("omega"),
                new float[][]{x}, null)));
        assertEquals(Status.Code.INVALID_ARGUMENT, unknownTask.getStatus().getCode());
        assertEquals("row 0 (request 'r-0'): unknown task 'omega' (known: " + bundle.modules().tasks() + ")",
                unknownTask.getStatus().getDescription());

        StatusRuntimeException shortWeights = failure(client.execute(request("", List.of(task, task),
                new float[][]{x, x}, new float[][]{new float[t], new float[t - 1]})));
        assertEquals(Status.Code.INVALID_ARGUMENT, shortWeights.getStatus().getCode());
        assertEquals("weights carry " + 4 * (2 * t - 1) + " bytes but 2 rows × " + t + " tasks "
                + bundle.modules().tasks() + " need " + 8 * t, shortWeights.getStatus().getDescription());

        StatusRuntimeException noRows = failure(client.execute(ExecuteRequest.newBuilder().build()));
        assertEquals("execute request on the shared expert has no rows", noRows.getStatus().getDescription());

        StatusRuntimeException unknownKey = failure(client.execute(request("nope", List.of(task), new float[][]{x},
                null)));
        assertEquals(Status.Code.NOT_FOUND, unknownKey.getStatus().getCode());
        assertTrue(unknownKey.getStatus().getDescription().startsWith("weight set 'nope' is not installed"),
                unknownKey.getStatus().getDescription());
    }

    /** Softmax-like weights, all different (seeded), bundle task order. */
    private static float[] weights(Random rng, int t) {
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

    /** θ(w)'s trunk as core's Materializer computes it (heads excluded). */
    private WeightSet theta(float[] w) {
        return materializer.materializeWeights(w).filter(n -> !n.matches(Architecture.HEAD_REGEX));
    }

    /** Largest absolute logit of the reference: the scale the tolerance is relative to. */
    private static float scale(List<float[]> refs) {
        float m = 0;
        for (float[] r : refs) {
            for (float v : r) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return Math.max(m, 1f);
    }

    /** Mixed-task rows of the test splits: row i of task (i mod 3). */
    private float[][] rows(int n, List<String> rowTask) {
        float[][] x = new float[n][];
        for (int i = 0; i < n; i++) {
            String name = bundle.modules().tasks().get(i % 3);
            Split s = taskData(name).test();
            x[i] = Arrays.copyOfRange(s.x(), i * s.dim(), (i + 1) * s.dim());
            rowTask.add(name);
        }
        return x;
    }

    @Test
    void exactRowsWithAllDifferentWeightsEqualAForwardPassOverEachRowsMaterializedWeights() {
        init();
        int t = bundle.modules().tasks().size();
        Random rng = new Random(17);
        int n = 12;
        List<String> rowTask = new ArrayList<>();
        float[][] x = rows(n, rowTask);
        float[][] w = new float[n][];
        for (int i = 0; i < n; i++) {
            w[i] = weights(rng, t);
        }
        ExecuteReply out = client.execute(request("", rowTask, x, w)).await().atMost(T);
        assertEquals(n, out.getResultsCount());
        List<float[]> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(Reference.mlpLogits(theta(w[i]), bundle.modules().heads().get(rowTask.get(i)), rowTask.get(i),
                    x[i]));
        }
        float tol = 1e-4f * scale(refs);
        for (int i = 0; i < n; i++) {
            assertEquals("r-" + i, out.getResults(i).getRequestId());
            assertEquals(rowTask.get(i), out.getResults(i).getTask());
            assertArrayEquals(refs.get(i), logits(out.getResults(i)), tol, "row " + i);
        }
    }

    @Test
    void staticRowsRunTheSharedExpertWithNothingInstalled() {
        init();
        int n = 6;
        List<String> rowTask = new ArrayList<>();
        float[][] x = rows(n, rowTask);
        ExecuteReply out = client.execute(request("", rowTask, x, null)).await().atMost(T);
        WeightSet star = bundle.modules().shared().filter(name -> !name.matches(Architecture.HEAD_REGEX));
        List<float[]> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(Reference.mlpLogits(star, bundle.modules().heads().get(rowTask.get(i)), rowTask.get(i), x[i]));
        }
        float tol = 1e-4f * scale(refs);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(refs.get(i), logits(out.getResults(i)), tol, "row " + i);
        }
    }

    @Test
    void anInstalledKeyPlusEachRowsResidualEqualsExact() {
        init();
        int t = bundle.modules().tasks().size();
        Random rng = new Random(23);
        float[] wKey = weights(rng, t);
        install("hot", chunks("hot", theta(wKey)));
        int n = 8;
        List<String> rowTask = new ArrayList<>();
        float[][] x = rows(n, rowTask);
        float[][] w = new float[n][];
        float[][] residual = new float[n][t];
        for (int i = 0; i < n; i++) {
            w[i] = weights(rng, t);
            for (int j = 0; j < t; j++) {
                residual[i][j] = w[i][j] - wKey[j]; // θ(w_key) + Σ (w − w_key)·v̂ = θ(w)
            }
        }
        ExecuteReply hot = client.execute(request("hot", rowTask, x, residual)).await().atMost(T);
        ExecuteReply exact = client.execute(request("", rowTask, x, w)).await().atMost(T);
        List<float[]> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(Reference.mlpLogits(theta(w[i]), bundle.modules().heads().get(rowTask.get(i)), rowTask.get(i),
                    x[i]));
        }
        float tol = 1e-4f * scale(refs);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(logits(exact.getResults(i)), logits(hot.getResults(i)), tol, "row " + i);
            assertArrayEquals(refs.get(i), logits(hot.getResults(i)), tol, "row " + i);
        }
    }

    @Test
    void badInstallsAreRejectedAndNotListed() {
        WeightSet good = oneHot(0);
        List<WeightChunk> wrongShape = chunks("bad-shape", good);
        wrongShape.set(0, wrongShape.get(0).toBuilder().clearShape().addShape(32).addShape(64).build());
        StatusRuntimeException shape = failure(client.install(Multi.createFrom().iterable(wrongShape)));
        assertEquals(Status.Code.INVALID_ARGUMENT, shape.getStatus().getCode());
        assertEquals("weight set 'bad-shape': tensor 'trunk.0.weight' has shape [32, 64] but the bundle's shared "
                + "expert has [64, 32]", shape.getStatus().getDescription());

        List<WeightChunk> unknown = chunks("bad-name", good);
        unknown.set(0, unknown.get(0).toBuilder().setTensor("trunk.9.weight").build());
        StatusRuntimeException name = failure(client.install(Multi.createFrom().iterable(unknown)));
        assertEquals(Status.Code.INVALID_ARGUMENT, name.getStatus().getCode());
        assertTrue(name.getStatus().getDescription().startsWith(
                "weight set 'bad-name': unknown tensor 'trunk.9.weight'"), name.getStatus().getDescription());

        // trunk.0.weight is 64×32 = 2048 values = 5 chunks of 500; stop after the first tensor
        List<WeightChunk> partial = new ArrayList<>(chunks("bad-partial", good).subList(0, 5));
        partial.set(4, partial.get(4).toBuilder().setLast(true).build());
        StatusRuntimeException incomplete = failure(client.install(Multi.createFrom().iterable(partial)));
        assertEquals(Status.Code.INVALID_ARGUMENT, incomplete.getStatus().getCode());
        assertEquals("weight set 'bad-partial' is incomplete: tensor 'trunk.0.bias' [64] has 0 of 64 values",
                incomplete.getStatus().getDescription());

        List<String> keys = client.listInstalled(ListRequest.getDefaultInstance()).await().atMost(T)
                .getInstalledList().stream().map(InstalledSet::getKey).toList();
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("bad-")), keys.toString());
    }

    @Test
    void leastRecentlyUsedSetIsEvictedBeyondTheBound() {
        init();
        String task = bundle.modules().tasks().get(0);
        float[] x = new float[32];
        ExecuteRequest onA = request("lru-a", List.of(task), new float[][]{x}, null);
        install("lru-a", chunks("lru-a", oneHot(0)));
        install("lru-b", chunks("lru-b", oneHot(1)));
        client.execute(onA).await().atMost(T); // a is now more recently used than b
        InstallReply c = install("lru-c", chunks("lru-c", oneHot(2)));

        assertEquals(List.of("lru-b"), c.getEvictedList()); // capacity 2 in the test profile
        var listed = client.listInstalled(ListRequest.getDefaultInstance()).await().atMost(T);
        assertEquals(2, listed.getCapacity());
        assertEquals(List.of("lru-c", "lru-a"), listed.getInstalledList().stream().map(InstalledSet::getKey).toList());
        assertEquals(oneHot(2).numel(), listed.getInstalled(0).getValues());
        StatusRuntimeException gone = failure(client.execute(request("lru-b", List.of(task), new float[][]{x},
                null)));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        assertEquals(1, client.execute(onA).await().atMost(T).getResultsCount());
    }

    private double calls(String path, String outcome) {
        return registry.find("twin.executor.calls").tag("path", path).tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double rowsServed(String path) {
        return registry.find("twin.executor.batch.rows").tag("path", path).summaries().stream()
                .mapToDouble(d -> d.totalAmount()).sum();
    }

    private double timed(String name, String path) {
        var search = registry.find(name);
        return (path == null ? search : search.tag("path", path)).timers().stream().mapToDouble(t -> t.count()).sum();
    }

    @Test
    void metersCountCallsRowsAndInstallsByServingPath() throws Exception {
        init();
        int t = bundle.modules().tasks().size();
        List<String> rowTask = new ArrayList<>();
        float[][] x = rows(6, rowTask);
        double[] before = {calls("shared", "ok"), calls("materialized", "ok"), calls("factored", "ok"),
                calls("materialized", "rejected"), rowsServed("shared"), rowsServed("materialized"),
                rowsServed("factored"), timed("twin.executor.install", null), timed("twin.executor.execute", "factored")};

        install("metrics-key", chunks("metrics-key", oneHot(1)));
        client.execute(request("", rowTask.subList(0, 3), Arrays.copyOfRange(x, 0, 3), null)).await().atMost(T);
        client.execute(request("metrics-key", rowTask.subList(0, 2), Arrays.copyOfRange(x, 0, 2), null)).await()
                .atMost(T);
        Random rng = new Random(5);
        float[][] w = {weights(rng, t), weights(rng, t), weights(rng, t), weights(rng, t)};
        client.execute(request("", rowTask.subList(0, 4), Arrays.copyOfRange(x, 0, 4), w)).await().atMost(T);
        failure(client.execute(request("no-such-key", rowTask.subList(0, 1), Arrays.copyOfRange(x, 0, 1), null)));

        double[] after = {calls("shared", "ok"), calls("materialized", "ok"), calls("factored", "ok"),
                calls("materialized", "rejected"), rowsServed("shared"), rowsServed("materialized"),
                rowsServed("factored"), timed("twin.executor.install", null), timed("twin.executor.execute", "factored")};
        double[] delta = new double[after.length];
        for (int i = 0; i < after.length; i++) {
            delta[i] = after[i] - before[i];
        }
        // one call per path, the unknown key rejected; 3 + 2 + 4 rows; one install; one factored call timed
        assertArrayEquals(new double[]{1, 1, 1, 1, 3, 2, 4, 1, 1}, delta);

        // concurrent calls are counted in the queue depth while unanswered, and out of it once answered
        List<String> many = new ArrayList<>();
        float[][] big = new float[256][];
        for (int i = 0; i < big.length; i++) {
            big[i] = x[i % x.length];
            many.add(rowTask.get(i % x.length));
        }
        List<java.util.concurrent.CompletableFuture<ExecuteReply>> running = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            running.add(client.execute(request("", many, big, null)).subscribeAsCompletionStage());
        }
        double most = 0;
        while (!running.stream().allMatch(java.util.concurrent.CompletableFuture::isDone)) {
            most = Math.max(most, registry.get("twin.executor.queue.depth").gauge().value());
        }
        for (var f : running) {
            assertEquals(256, f.get().getResultsCount());
        }
        assertTrue(most >= 1, "calls in flight seen in the queue depth, at most " + most);
        assertEquals(0.0, registry.get("twin.executor.queue.depth").gauge().value(), "every call answered");
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("twin_executor_queue_depth ", "twin_executor_calls_total{outcome=\"ok\",path=\"factored\"}",
                "twin_executor_execute_seconds_bucket{path=\"shared\"", "twin_executor_install_seconds_count",
                "twin_executor_installed_sets", "twin_executor_installed_bytes", "twin_executor_evictions_total")) {
            assertTrue(text.contains(name), "/q/metrics lacks " + name);
        }
    }

    @Test
    void readyOnceTheBundleIsLoaded() {
        init();
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'executor-bundle' }.data.status", containsString("mlp"))
                .body("checks.find { it.name == 'executor-bundle' }.data.'factored-bytes'", greaterThan(0))
                // device=auto: the GPU when DJL sees one (this same test then runs there), else the CPU
                .body("checks.find { it.name == 'executor-bundle' }.data.device",
                        startsWith(ai.djl.engine.Engine.getInstance().getGpuCount() > 0 ? "cuda:0 (" : "cpu ("));
        HealthReply h = client.health(HealthRequest.getDefaultInstance()).await().atMost(T);
        assertTrue(h.getReady());
        assertEquals(bundle.modules().tasks(), h.getTasksList());
        assertEquals(List.of(32), h.getInputShapeList());
    }
}
