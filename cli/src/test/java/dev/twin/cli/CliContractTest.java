package dev.twin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.TensorSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract of DESIGN.md on files made outside the project: a Python script (standard library only) writes
 * the checkpoints and computes the expected merges with its own implementation of the formulas.
 */
class CliContractTest {
    @TempDir
    static Path dir;
    static JsonNode expected;

    @BeforeAll
    static void makeOutsideCheckpoints() throws Exception {
        Path script = Path.of(CliContractTest.class.getResource("/outside_checkpoints.py").toURI());
        Process p = new ProcessBuilder(python(), script.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python failed: " + out);
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("expected");
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Runs the CLI in-process and captures exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    static Run twin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = System.out;
        PrintStream e = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = TwinCommand.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    private static List<String> experts(String e2) {
        return List.of("--expert", "e1=" + dir.resolve("e1.safetensors"), "--expert", "e2=" + e2,
                "--expert", "e3=" + dir.resolve("e3.safetensors"));
    }

    private static String[] merge(String method, Path out, String e2, String... extra) {
        List<String> a = new ArrayList<>(List.of("merge", "--method", method, "--base",
                dir.resolve("base.safetensors").toString()));
        a.addAll(experts(e2));
        a.addAll(List.of(extra));
        a.addAll(List.of("--out", out.toString()));
        return a.toArray(String[]::new);
    }

    private static void assertMatches(String key, Path file, double tol) {
        JsonNode exp = expected.get(key);
        try (TensorSource src = Checkpoints.open(file)) {
            assertEquals(exp.size(), src.names().size());
            exp.fieldNames().forEachRemaining(name -> {
                float[] got = src.load(name).data();
                JsonNode want = exp.get(name);
                assertEquals(want.size(), got.length, name);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want.get(i).asDouble(), got[i], tol, key + " " + name + "[" + i + "]");
                }
            });
        }
    }

    @Test
    void staticMergesMatchTheOutsideImplementation() {
        String e2 = dir.resolve("e2.safetensors").toString();
        Run r = twin(merge("average", dir.resolve("avg.safetensors"), e2));
        assertEquals(0, r.code(), r.err());
        assertMatches("average", dir.resolve("avg.safetensors"), 1e-6);

        r = twin(merge("task-arithmetic", dir.resolve("ta.safetensors"), e2, "--lambda", "0.5"));
        assertEquals(0, r.code(), r.err());
        assertMatches("task-arithmetic", dir.resolve("ta.safetensors"), 1e-6);

        r = twin(merge("ties", dir.resolve("ties.safetensors"), e2, "--lambda", "0.5", "--density", "0.25",
                "--trim-scope", "tensor"));
        assertEquals(0, r.code(), r.err());
        assertMatches("ties", dir.resolve("ties.safetensors"), 1e-6);

        r = twin(merge("task-arithmetic", dir.resolve("ta-ex.safetensors"), e2, "--lambda", "0.5",
                "--exclude", "head\\..*"));
        assertEquals(0, r.code(), r.err());
        assertMatches("ta-exclude-head", dir.resolve("ta-ex.safetensors"), 1e-6);
    }

    @Test
    void shardedExpertsAndShardedOutputsWork() {
        Run r = twin(merge("task-arithmetic", dir.resolve("ta-sharded-out"), dir.resolve("e2-sharded").toString(),
                "--lambda", "0.5"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("ta-sharded-out/model.safetensors.index.json")));
        assertMatches("task-arithmetic", dir.resolve("ta-sharded-out"), 1e-6);
    }

    @Test
    void outputKeepsTheBaseDtypeUnlessAsked() {
        List<String> a = new ArrayList<>(List.of("merge", "--method", "average", "--base",
                dir.resolve("base-f16.safetensors").toString()));
        a.addAll(experts(dir.resolve("e2.safetensors").toString()));
        a.addAll(List.of("--out", dir.resolve("avg16.safetensors").toString()));
        Run r = twin(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        try (TensorSource src = Checkpoints.open(dir.resolve("avg16.safetensors"))) {
            assertEquals(DType.F16, src.info("layer.0.weight").dtype());
        }
        a.addAll(List.of("--dtype", "f32"));
        a.set(a.indexOf(dir.resolve("avg16.safetensors").toString()), dir.resolve("avg32.safetensors").toString());
        assertEquals(0, twin(a.toArray(String[]::new)).code());
        try (TensorSource src = Checkpoints.open(dir.resolve("avg32.safetensors"))) {
            assertEquals(DType.F32, src.info("layer.0.weight").dtype());
        }
    }

    @Test
    void modularizeThenMaterializeGivesTheDynamicMerge() throws Exception {
        Path bundle = dir.resolve("bundle");
        List<String> a = new ArrayList<>(List.of("modularize", "--base", dir.resolve("base.safetensors").toString()));
        a.addAll(experts(dir.resolve("e2.safetensors").toString()));
        a.addAll(List.of("--shared", "task-arithmetic", "--lambda", "0.5", "--exclude", "head\\..*",
                "--compress", "none", "--out", bundle.toString()));
        Run r = twin(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("twin total"), r.out());
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
        assertEquals(3, manifest.get("tasks").size());
        assertEquals(64, manifest.get("files").get("shared.safetensors").asText().length());

        r = twin("materialize", "--bundle", bundle.toString(), "--weights", "e1=0.2,e2=0.5,e3=0.3", "--out",
                dir.resolve("twin.safetensors").toString());
        assertEquals(0, r.code(), r.err());
        assertMatches("twin-w", dir.resolve("twin.safetensors"), 1e-5);
    }

    @Test
    void badArgumentsGiveOneLineAndExitTwo() {
        Run r = twin(merge("median", dir.resolve("x.safetensors"), dir.resolve("e2.safetensors").toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("twin: ") && r.err().contains("median"), r.err());
        r = twin("merge", "--method", "average");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--base") || r.err().contains("Missing"), r.err());
        r = twin("materialize", "--bundle", dir.toString(), "--weights", "e1", "--out", "x");
        assertEquals(2, r.code());
    }

    @Test
    void badFilesGiveOneLineNamingTheFileAndExitOne() throws Exception {
        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, new byte[]{1, 2, 3});
        Run r = twin(merge("average", dir.resolve("x.safetensors"), broken.toString()));
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("twin merge: ") && r.err().contains("broken.safetensors"), r.err());

        // an expert whose tensor shapes differ from the base
        List<String> a = new ArrayList<>(List.of("merge", "--method", "average", "--base",
                dir.resolve("base.safetensors").toString(), "--expert", "x=" + dir.resolve("e2-sharded")
                        .resolve("model-00001-of-00002.safetensors"), "--out", dir.resolve("y.safetensors").toString()));
        r = twin(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("x") && r.err().contains("conv.weight"), r.err());
    }

    @Test
    void evalWritesTheTableJsonMarkdownAndChart() throws Exception {
        Path json = dir.resolve("eval/synthetic.json");
        Run r = twin("eval", "--suite", "synthetic", "--json", json.toString(), "--bundle-out",
                dir.resolve("eval-bundle").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("twin-lattice") && r.out().contains("router accuracy"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("synthetic", root.get("suite").asText());
        assertEquals(11, root.get("methods").size());
        assertEquals(100.0, root.get("methods").get("fine-tuned").get("avg").asDouble(), 1e-9);
        // the factored per-row path scores exactly as the materialized per-request one
        assertEquals(root.get("methods").get("twin").get("accuracy"), root.get("methods").get("exact").get("accuracy"));
        assertTrue(Files.readString(dir.resolve("eval/synthetic.md")).contains("| twin |"));
        assertTrue(Files.size(dir.resolve("eval/synthetic.png")) > 1000);
        assertTrue(Files.exists(dir.resolve("eval-bundle/manifest.json")));

        r = twin("eval", "--suite", "imagenet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown suite 'imagenet'"), r.err());
    }

    @Test
    void evalAblationWritesItsTableJsonMarkdownAndChart() throws Exception {
        Path json = dir.resolve("ablation/synthetic.json");
        Run r = twin("eval", "--suite", "synthetic", "--ablation", "--rank", "4", "--json", json.toString(),
                "--bundle-out", dir.resolve("ablation-bundle").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dynamic-over-pretrained") && r.out().contains("twin-over-ties"), r.out());
        JsonNode methods = new ObjectMapper().readTree(json.toFile()).get("methods");
        assertEquals(11, methods.size());
        assertTrue(methods.has("shared") && methods.has("shared+dynamic"), methods.toString());
        String md = Files.readString(dir.resolve("ablation/synthetic.md"));
        assertTrue(md.contains("| shared+dynamic |"), md);
        assertTrue(md.contains("svd rank 4") && !md.contains("svd rank 16"), "--rank 4 compresses at rank 4: " + md);
        assertTrue(Files.size(dir.resolve("ablation/synthetic.png")) > 1000);
    }

    @Test
    void evalRejectsBadAblationAndSweepOptionsBeforeAnyWork() {
        Run r = twin("eval", "--suite", "synthetic", "--sweep", "foo");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown sweep 'foo'") && r.err().contains("compression, tasks"), r.err());
        r = twin("eval", "--suite", "synthetic", "--ablation", "--sweep", "tasks");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--ablation and --sweep"), r.err());
        r = twin("eval", "--suite", "synthetic", "--sweep", "tasks", "--subsets", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--subsets must be >= 1, got 0"), r.err());
        r = twin("eval", "--suite", "synthetic", "--sweep", "compression", "--compressions", "svd,zip");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown compression 'zip'"), r.err());
        r = twin("eval", "--suite", "synthetic", "--sweep", "compression", "--densities", "0.1,1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--densities must lie in (0, 1], got 1.5"), r.err());
        r = twin("eval", "--suite", "synthetic", "--densities", "0.1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("apply to --sweep compression only"), r.err());
        r = twin("eval", "--suite", "synthetic", "--rank", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--rank must be >= 1, got 0"), r.err());
        r = twin("eval", "--suite", "synthetic", "--sweep", "compression", "--subsets", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--subsets applies to --sweep tasks only"), r.err());
        r = twin("eval", "--suite", "synthetic", "--sweep");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--sweep"), r.err());
    }

    @Test
    void recipeRejectsBadOptionsBeforeAnyWork() {
        Run r = twin("recipe", "--suite", "synthetic", "--task", "a");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--suite is text-6 or text-6-lora, got 'synthetic'"), r.err());
        r = twin("recipe", "--suite", "text-6");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("give --task TASK[,TASK...] and/or --separability"), r.err());
        r = twin("recipe", "--suite", "text-6", "--task", "wn-verb", "--epochs", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochs must be >= 1, got 0"), r.err());
        r = twin("recipe", "--suite", "text-6", "--task", "wn-verb", "--lr", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--lr must be positive and finite"), r.err());
        r = twin("recipe", "--suite", "text-6", "--separability", "--separability-items", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--separability-items must be >= 1, got 0"), r.err());
    }

    @Test
    void benchServiceSettingsMustBeKeyValuePairs() {
        Run r = twin("bench", "e2e", "--router-property", "mp.messaging.outgoing.routed.linger.ms");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("KEY=VALUE") && r.err().contains("mp.messaging.outgoing.routed.linger.ms"),
                r.err());
    }

    @Test
    void benchWarmUpTimeMustNotBeNegative() {
        Run r = twin("bench", "e2e", "--warmup-seconds", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--warmup-seconds") && r.err().contains("not negative"), r.err());
    }

    @Test
    void everySubcommandHasHelp() {
        for (String c : List.of("merge", "modularize", "materialize", "eval", "recipe")) {
            Run r = twin(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: twin " + c), r.out());
        }
    }
}
