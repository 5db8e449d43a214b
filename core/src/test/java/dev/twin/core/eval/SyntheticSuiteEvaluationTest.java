package dev.twin.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        TaskSuite suite = Suites.byName("synthetic", DataLocator.standard());
        report = SuiteEvaluation.run(suite, EvalConfig.defaults(), dir.resolve("bundle"),
                new PrintStream(new ByteArrayOutputStream()));
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
        Bundle b = Bundle.load(dir.resolve("bundle"));
        assertTrue(b.hasRouter());
        assertEquals(report.tasks(), b.manifest().taskNames());
        assertTrue(report.storageRatio() < 1.0, "storage ratio " + report.storageRatio());
        assertEquals(b.manifest().storage().twinBytes(), report.methods().get("twin").storageBytes());
        assertEquals(b.manifest().storage().denseExpertsBytes(), report.methods().get("fine-tuned").storageBytes());
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
            assertTrue(row.has("avg") && row.has("normalized") && row.has("accuracy") && row.has("storage_bytes"), m);
            double acc = row.get("accuracy").get(report.tasks().get(0)).asDouble();
            assertTrue(acc >= 0 && acc <= 1, m + " accuracy " + acc);
        }
        Path png = dir.resolve("eval.png");
        ReportWriter.writeChart(report, png);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
        assertTrue(ReportWriter.markdown(report).contains("| twin |"));
    }
}
