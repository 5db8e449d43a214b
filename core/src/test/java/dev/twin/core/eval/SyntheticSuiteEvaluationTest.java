package dev.twin.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the synthetic suite: train, merge, modularize, route, materialize, score, report. */
class SyntheticSuiteEvaluationTest {
    @TempDir
    static Path dir;
    static EvalReport report;

    @BeforeAll
    static void evaluate() {
        report = SyntheticEval.report();
    }

    @Test
    void everyRowOfTheProtocolIsThere() {
        assertEquals(EvalReport.METHOD_ORDER, List.copyOf(report.methods().keySet()));
        MethodResult ft = report.methods().get("fine-tuned");
        for (String t : report.tasks()) {
            assertEquals(100.0, ft.normalized().get(t), 1e-9);
        }
    }

    @Test
    void twinRecoversTheExpertsWhereStaticMergesInterfere() {
        double twin = report.methods().get("twin").avg();
        double ta = report.methods().get("task-arithmetic").avg();
        double avg = report.methods().get("average").avg();
        assertTrue(twin > 90, "twin " + twin);
        assertTrue(twin > ta + 5 && twin > avg + 5, "twin " + twin + " vs task-arithmetic " + ta + ", average " + avg);
        assertTrue(report.methods().get("twin-group").avg() > ta, "twin-group beats task-arithmetic");
        assertTrue(report.routerAccuracy() > 0.8, "router accuracy " + report.routerAccuracy());
    }

    @Test
    void exactThroughTheFactoredExpertsEqualsPerRequestMaterialization() {
        MethodResult twin = report.methods().get("twin");
        MethodResult exact = report.methods().get("exact");
        assertTrue(twin.note().contains("materializations") && !twin.note().contains("factored"),
                "twin is the materialized per-request row here: " + twin.note());
        assertEquals(twin.accuracy(), exact.accuracy());
        assertEquals(twin.avg(), exact.avg(), 0);
        assertTrue(exact.note().contains("factored"), exact.note());
    }

    /** The bundle the evaluation wrote, loaded back: factored logits of a mixed batch against θ(w) per row. */
    @Test
    void factoredBundleEqualsMaterializedBundleRowByRow() {
        Bundle b = Bundle.load(SyntheticEval.bundle());
        Architecture arch = Architectures.create(b.manifest().architecture());
        List<TaskData> tasks = Suites.byName("synthetic", DataLocator.standard()).tasks();
        List<String> names = b.manifest().taskNames();
        int rows = 24;
        int dim = tasks.get(0).test().dim();
        int t = names.size();
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[rows * dim];
        float[] w = new float[rows * t];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(tasks.get(i % t).test().x(), i * dim, x, i * dim, dim);
            double sum = 0;
            for (int j = 0; j < t; j++) {
                w[i * t + j] = (float) rnd.nextDouble();
                sum += w[i * t + j];
            }
            for (int j = 0; j < t; j++) {
                w[i * t + j] /= (float) sum; // a point of the simplex, as the router's softmax gives
            }
        }
        try (FactoredExperts fx = FactoredExperts.of(b);
             Materializer mat = new Materializer(b.modules());
             NDManager nd = DjlRuntime.newManager()) {
            Map<String, Map<String, NDArray>> heads = new HashMap<>();
            b.modules().heads().forEach((task, h) -> heads.put(task, Params.toNd(nd, h)));
            NDArray features = arch.features(fx.layers(nd.create(w, new Shape(rows, t))),
                    nd.create(x, new Shape(rows, dim)));
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < rows; i++) {
                String task = names.get(i % t);
                float[] factored = Architecture.head(heads.get(task), task, features.get(i + ":" + (i + 1)))
                        .toFloatArray();
                try (NDManager row = nd.newSubManager()) {
                    Map<String, NDArray> params = new HashMap<>(mat.materialize(row,
                            Arrays.copyOfRange(w, i * t, (i + 1) * t)));
                    params.putAll(heads.get(task));
                    float[] expected = arch.logits(params, task, row.create(Arrays.copyOfRange(x, i * dim,
                            (i + 1) * dim), new Shape(1, dim))).toFloatArray();
                    for (int j = 0; j < expected.length; j++) {
                        scale = Math.max(scale, Math.abs(expected[j]));
                        diff = Math.max(diff, Math.abs(expected[j] - factored[j]));
                    }
                }
            }
            assertTrue(scale > 0.1 && diff <= 1e-4 * scale, "max |factored − materialized| = " + diff
                    + " for logits up to " + scale);
        }
    }

    @Test
    void normalizedScoresAreAccuracyOverExpertAccuracy() {
        MethodResult ft = report.methods().get("fine-tuned");
        MethodResult twin = report.methods().get("twin");
        for (String t : report.tasks()) {
            assertEquals(100 * twin.accuracy().get(t) / ft.accuracy().get(t), twin.normalized().get(t), 1e-9);
        }
        double mean = twin.normalized().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(mean, twin.avg(), 1e-9);
    }

    @Test
    void bundleIsCompleteAndSmallerThanTheDenseExperts() {
        Bundle b = Bundle.load(SyntheticEval.bundle());
        assertTrue(b.hasRouter());
        assertEquals(report.tasks(), b.manifest().taskNames());
        assertTrue(report.storageRatio() < 1.0, "storage ratio " + report.storageRatio());
        assertEquals(b.manifest().storage().twinBytes(), report.methods().get("twin").storageBytes());
        assertEquals(b.manifest().storage().denseExpertsBytes(), report.methods().get("fine-tuned").storageBytes());
    }

    @Test
    void everyScoreCarriesItsSamplingError() {
        MethodResult ft = report.methods().get("fine-tuned");
        Map<String, Integer> n = new HashMap<>();
        Suites.byName("synthetic", DataLocator.standard()).tasks().forEach(t -> n.put(t.name(), t.test().n()));
        for (MethodResult row : report.methods().values()) {
            double sumSq = 0;
            for (String t : report.tasks()) {
                double p = row.accuracy().get(t);
                // 100·√(p(1−p)/n)/p_expert, recomputed from the row's own accuracy
                double want = 100 * Math.sqrt(p * (1 - p) / n.get(t)) / ft.accuracy().get(t);
                assertEquals(want, row.se().get(t), 1e-9, row.note());
                sumSq += want * want;
            }
            assertEquals(Math.sqrt(sumSq) / report.tasks().size(), row.seAvg(), 1e-9);
        }
    }

    @Test
    void jsonFollowsTheDesignSchema() throws Exception {
        Path json = dir.resolve("eval.json");
        ReportWriter.writeJson(report, json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("synthetic", root.get("suite").asText());
        assertEquals(report.tasks().size(), root.get("tasks").size());
        assertTrue(root.get("router").has("accuracy") && root.get("router").has("bytes"));
        for (String m : EvalReport.METHOD_ORDER) {
            JsonNode row = root.get("methods").get(m);
            assertTrue(row.has("avg") && row.has("normalized") && row.has("accuracy") && row.has("storage_bytes")
                    && row.has("se") && row.has("se_avg"), m);
            double acc = row.get("accuracy").get(report.tasks().get(0)).asDouble();
            assertTrue(acc >= 0 && acc <= 1, m + " accuracy " + acc);
        }
        Path png = dir.resolve("eval.png");
        ReportWriter.writeChart(report, png);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
        assertTrue(ReportWriter.markdown(report).contains("| twin |"));
        assertTrue(ReportWriter.markdown(report).contains("| exact |"));
    }
}
