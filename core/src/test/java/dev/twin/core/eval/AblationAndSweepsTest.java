package dev.twin.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.router.RouterConfig;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.tensor.WeightSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ablation and the two sweeps on the synthetic suite, checked against rows of {@code twin eval} that must be the
 * same numbers by construction (same models, same λ selection, same router, same stream).
 */
class AblationAndSweepsTest {
    @TempDir
    static Path dir;
    static TaskSuite suite;
    static EvalReport eval;
    static EvalReport ablation;
    static SweepReport compression;
    static SweepReport tasks;

    @BeforeAll
    static void evaluate() {
        suite = Suites.byName("synthetic", DataLocator.standard());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        EvalConfig cfg = EvalConfig.defaults();
        eval = SyntheticEval.report();
        // the evaluation's bundle: reused (same θ*, same router), so the dynamic rows are the same numbers
        ablation = AblationEvaluation.run(suite, cfg, SyntheticEval.bundle(), quiet);
        // density 1.0 keeps everything: svd at full rank, magnitude all entries, bernoulli every coin heads
        compression = CompressionSweep.run(suite, cfg, CompressionSweep.METHODS, List.of(0.05, 1.0),
                SyntheticEval.bundle(), quiet);
        tasks = TasksSweep.run(suite, cfg, 1, SyntheticEval.bundle(), dir.resolve("tasks-bundle"), quiet);
        // the tables in the test log (surefire's -output.txt): what the README quotes for synthetic
        System.out.print(ReportWriter.console(ablation) + SweepWriter.console(compression)
                + SweepWriter.console(tasks));
    }

    @Test
    void ablationHasThePapersRowsInOrder() {
        assertEquals(List.of("pretrained", "shared", "dynamic-over-pretrained", "shared+dynamic", "average",
                "twin-over-average", "task-arithmetic", "twin-over-task-arithmetic", "ties", "twin-over-ties",
                "fine-tuned"), List.copyOf(ablation.methods().keySet()));
    }

    @Test
    void ablationRowsAreTheEvaluationsRowsWhereTheyMeanTheSameModel() {
        Map<String, MethodResult> a = ablation.methods();
        Map<String, MethodResult> e = eval.methods();
        assertEquals(e.get("pretrained").accuracy(), a.get("pretrained").accuracy());
        assertEquals(e.get("task-arithmetic").accuracy(), a.get("shared").accuracy());
        assertEquals(e.get("exact").accuracy(), a.get("shared+dynamic").accuracy());
        assertEquals(e.get("twin").accuracy(), a.get("shared+dynamic").accuracy());
        assertEquals(e.get("twin").storageBytes(), a.get("shared+dynamic").storageBytes());
        assertEquals(a.get("shared+dynamic").accuracy(), a.get("twin-over-task-arithmetic").accuracy());
        for (String m : List.of("average", "task-arithmetic", "ties", "fine-tuned")) {
            assertEquals(e.get(m).accuracy(), a.get(m).accuracy(), m);
        }
        assertEquals(eval.routerAccuracy(), ablation.routerAccuracy(), 0);
    }

    @Test
    void ablationShowsThePapersOrderingOnSynthetic() {
        Map<String, MethodResult> a = ablation.methods();
        double twin = a.get("shared+dynamic").avg();
        double overBase = a.get("dynamic-over-pretrained").avg();
        double shared = a.get("shared").avg();
        double pretrained = a.get("pretrained").avg();
        assertTrue(twin >= overBase && overBase > shared && shared > pretrained, String.format(
                "shared+dynamic %.2f, dynamic over θ0 %.2f, shared %.2f, pretrained %.2f", twin, overBase, shared,
                pretrained));
        for (String m : AblationEvaluation.SHARED_METHODS) {
            assertTrue(a.get("twin-over-" + m).avg() > a.get(m).avg(), "twin over " + m + " beats static " + m);
        }
    }

    /** θ0 as the shared expert is task-arithmetic at λ = 0: exactly θ0, so the exclusive vectors are θt − θ0. */
    @Test
    void dynamicOverPretrainedMergesOverExactlyTheBase() {
        SuiteModels models = SuiteModelCache.loadOrTrain(suite, new PrintStream(new ByteArrayOutputStream()));
        Modularized m = SuiteBundler.modularize(models, new TwinRecipe("task-arithmetic", 0.0, null, "none", null,
                null, RouterConfig.defaults(), 1.0, 0), new PrintStream(new ByteArrayOutputStream()));
        WeightSet base = models.base();
        for (String name : m.mergedNames()) {
            assertArrayEquals(base.get(name).data(), m.shared().get(name).data(), 0f, name);
            String task = m.tasks().get(0);
            float[] v = m.exclusive().get(task).get(name).toDense().data();
            float[] expert = models.expert(task).get(name).data();
            for (int i = 0; i < v.length; i++) {
                assertEquals(expert[i] - base.get(name).data()[i], v[i], 0f, name);
            }
        }
        long bytes = ablation.methods().get("dynamic-over-pretrained").storageBytes();
        assertEquals(ablation.methods().get("shared+dynamic").storageBytes(), bytes,
                "θ0 and θ* have the same size and the svd ranks are the same");
    }

    @Test
    void compressionAtDensityOneIsTheUncompressedTwin() {
        MethodResult full = compression.references().get("twin-uncompressed");
        for (String method : CompressionSweep.METHODS) {
            MethodResult p = point(compression, method, 1.0);
            assertEquals(full.accuracy(), p.accuracy(), method + " at density 1");
        }
        assertEquals(eval.methods().get("task-arithmetic").accuracy(), compression.references().get("shared")
                .accuracy());
        // svd at full rank keeps U, S, V: more bytes than dense for these near-square matrices; at 5% far fewer
        assertTrue(point(compression, "svd", 0.05).storageBytes() < full.storageBytes());
        assertTrue(point(compression, "magnitude", 0.05).storageBytes() < full.storageBytes());
        assertEquals(CompressionSweep.METHODS.size() * 2, compression.points().size());
        assertEquals(compression.denseBytes(), eval.methods().get("fine-tuned").storageBytes());
    }

    @Test
    void tasksSweepAtAllTasksIsTheFullEvaluation() {
        int all = eval.tasks().size();
        for (String m : List.of("average", "task-arithmetic", "ties")) {
            assertEquals(eval.methods().get(m).accuracy(), point(tasks, m, all).accuracy(), m);
        }
        assertEquals(eval.methods().get("exact").accuracy(), point(tasks, "twin", all).accuracy());
        assertEquals(eval.routerAccuracy(), tasks.routerAccuracy(), 0);
        // 4 tasks, 1 subset per size: k = 2, 3, 4
        assertEquals(TasksSweep.METHODS.size() * 3, tasks.points().size());
        for (SweepReport.Point p : tasks.points()) {
            assertEquals((int) p.x(), p.tasks().size());
            assertEquals(p.tasks(), p.result().accuracy().keySet().stream().toList(), "scored on its subset only");
        }
        Map<Double, Double> twin = tasks.means().get("twin");
        Map<Double, Double> ta = tasks.means().get("task-arithmetic");
        for (double k = 2; k <= all; k++) {
            assertTrue(twin.get(k) > ta.get(k), "twin above task-arithmetic at " + k + " tasks");
        }
    }

    @Test
    void subsetsAreDistinctAscendingAndAllWhenFew() {
        assertEquals(List.of(List.of(0, 1, 2), List.of(0, 1, 3), List.of(0, 2, 3), List.of(1, 2, 3)),
                TasksSweep.subsets(4, 3, 5, 0));
        List<List<Integer>> drawn = TasksSweep.subsets(8, 4, 3, 0);
        assertEquals(3, drawn.size());
        Set<List<Integer>> distinct = new HashSet<>(drawn);
        assertEquals(3, distinct.size());
        for (List<Integer> s : drawn) {
            assertEquals(4, s.size());
            for (int i = 1; i < s.size(); i++) {
                assertTrue(s.get(i) > s.get(i - 1), s.toString());
            }
        }
        assertEquals(drawn, TasksSweep.subsets(8, 4, 3, 0), "seeded");
        assertThrows(IllegalArgumentException.class, () -> TasksSweep.run(suite, EvalConfig.defaults(), 0,
                dir.resolve("x"), dir.resolve("y"), System.err));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionSweep.run(suite,
                EvalConfig.defaults(), List.of("zip"), List.of(0.1), dir.resolve("x"), System.err));
        assertTrue(e.getMessage().contains("zip") && e.getMessage().contains("svd"), e.getMessage());
    }

    @Test
    void reportsAreWrittenAsJsonMarkdownAndPng() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ReportWriter.writeJson(ablation, dir.resolve("ablation.json"));
        JsonNode a = json.readTree(dir.resolve("ablation.json").toFile());
        assertEquals(List.copyOf(ablation.methods().keySet()), iterable(a.get("methods").fieldNames()));
        JsonNode row = a.get("methods").get("dynamic-over-pretrained");
        assertTrue(row.has("avg") && row.has("normalized") && row.has("accuracy") && row.has("storage_bytes"));

        SweepWriter.writeJson(compression, dir.resolve("compression.json"));
        JsonNode c = json.readTree(dir.resolve("compression.json").toFile());
        assertEquals("compression", c.get("sweep").asText());
        JsonNode p0 = c.get("points").get(0);
        assertEquals("svd", p0.get("method").asText());
        assertEquals(0.05, p0.get("density").asDouble(), 0);
        assertTrue(p0.get("storage_bytes").asLong() > 0 && p0.has("normalized") && p0.has("accuracy"));
        assertEquals(CompressionSweep.METHODS, iterable(c.get("mean").fieldNames()));
        assertTrue(c.get("references").has("twin-uncompressed"));

        SweepWriter.writeJson(tasks, dir.resolve("tasks.json"));
        JsonNode t = json.readTree(dir.resolve("tasks.json").toFile());
        assertEquals(TasksSweep.METHODS, iterable(t.get("mean").fieldNames()));
        assertEquals(List.of("2", "3", "4"), iterable(t.get("mean").get("twin").fieldNames()));
        assertEquals(2, t.get("points").get(0).get("merged_tasks").asInt());

        for (Object[] r : List.of(new Object[] {compression, true}, new Object[] {tasks, false})) {
            SweepReport s = (SweepReport) r[0];
            Path png = dir.resolve(s.sweep() + ".png");
            SweepWriter.writeChart(s, png, (boolean) r[1]);
            byte[] b = Files.readAllBytes(png);
            assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G');
            assertTrue(SweepWriter.markdown(s).contains("| twin") || SweepWriter.markdown(s).contains("| svd"));
        }
        assertTrue(ReportWriter.markdown(ablation).contains("| dynamic-over-pretrained |"));
    }

    private static MethodResult point(SweepReport r, String method, double x) {
        return r.points().stream().filter(p -> p.method().equals(method) && p.x() == x).findFirst()
                .orElseThrow(() -> new AssertionError("no point " + method + " at " + x)).result();
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
