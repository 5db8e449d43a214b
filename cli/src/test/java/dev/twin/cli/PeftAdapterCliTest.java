package dev.twin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.hf.ExpertSources;
import dev.twin.core.hf.LoraAdapter;
import dev.twin.core.hf.LoraConfig;
import dev.twin.core.hf.LoraFactors;
import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face model directories and PEFT LoRA adapters made outside the project: a Python script (standard library
 * only) writes a tiny BERT base and a full fine-tune as HF directories (config.json + model.safetensors), two hand-made
 * adapters (one under a "bert." model prefix with list targets; one with fan_in_fan_out, an embedding LoRA, rslora,
 * a regex target and a saved classifier), and computes base + (α/r)·B·A and the merges itself.
 */
class PeftAdapterCliTest {
    @TempDir
    static Path dir;
    static JsonNode expected;

    @BeforeAll
    static void makeOutsideModels() throws Exception {
        python("make", dir.toString());
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("expected");
    }

    private static String python(String... args) throws Exception {
        Path script = Path.of(PeftAdapterCliTest.class.getResource("/outside_peft.py").toURI());
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python failed: " + err);
        return out;
    }

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

    private static List<String> inputs(String command) {
        return new ArrayList<>(List.of(command, "--base", dir.resolve("base").toString(),
                "--expert", "a=" + dir.resolve("lora-a"), "--expert", "b=" + dir.resolve("lora-b"),
                "--expert", "f=" + dir.resolve("full")));
    }

    /** Every tensor of {@code src} equals {@code want} (name → values) within tol, and no tensor is missing. */
    private static void assertMatches(String what, JsonNode want, TensorSource src, double tol) {
        Set<String> names = new TreeSet<>();
        want.fieldNames().forEachRemaining(names::add);
        assertEquals(names, new TreeSet<>(src.names()), what);
        for (String name : names) {
            float[] got = src.load(name).data();
            JsonNode w = want.get(name);
            assertEquals(w.size(), got.length, what + " " + name);
            for (int i = 0; i < got.length; i++) {
                assertEquals(w.get(i).asDouble(), got[i], tol, what + " " + name + "[" + i + "]");
            }
        }
    }

    @Test
    void adaptersOpenAsBasePlusScaledBA() {
        for (String t : List.of("a", "b")) {
            try (TensorSource e = ExpertSources.open(dir.resolve("base"), dir.resolve("lora-" + t))) {
                assertMatches("expert " + t, expected.get("experts").get(t), e, 1e-6);
            }
        }
    }

    @Test
    void mergeAcceptsAdaptersAndHfDirectories() {
        for (String method : List.of("average", "task-arithmetic")) {
            Path out = dir.resolve(method + ".safetensors");
            List<String> a = inputs("merge");
            a.addAll(List.of("--method", method, "--lambda", "0.7", "--out", out.toString()));
            Run r = twin(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            try (TensorSource src = Checkpoints.open(out)) {
                assertMatches(method, expected.get(method), src, 1e-6);
            }
        }
    }

    @Test
    void modularizeAcceptsAdapters() {
        Path bundle = dir.resolve("bundle");
        List<String> a = inputs("modularize");
        a.addAll(List.of("--shared", "task-arithmetic", "--lambda", "0.7", "--compress", "none",
                "--out", bundle.toString()));
        Run r = twin(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("twin-w.safetensors");
        r = twin("materialize", "--bundle", bundle.toString(), "--weights", "a=0.2,b=0.5,f=0.3", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        try (TensorSource src = Checkpoints.open(out)) {
            assertMatches("twin-w", expected.get("twin-w"), src, 1e-5);
        }
    }

    /** Hand-made factors for the writer: A [2, 4], B [4, 2] with simple values. */
    private static LoraFactors factors(float s) {
        return LoraFactors.linear(FloatTensor.of(new int[]{2, 4}, s, 0, -1, 2, 0.5f, 1, 0, -s),
                FloatTensor.of(new int[]{4, 2}, 1, 0, 0, 1, -s, 0.25f, 2, 0));
    }

    private static LoraAdapter handMade() {
        LoraConfig cfg = new LoraConfig(2, 8, List.of("query", "value"), null, false, "tiny-bert",
                List.of("classifier"), false);
        Map<String, LoraFactors> modules = new LinkedHashMap<>();
        modules.put("encoder.layer.0.attention.self.query", factors(1.5f));
        modules.put("encoder.layer.0.attention.self.value", factors(-0.75f));
        WeightSet saved = new WeightSet().put("classifier.bias", FloatTensor.of(new int[]{3}, 3, 2, 1));
        return new LoraAdapter(cfg, modules, saved);
    }

    @Test
    void writtenAdaptersReadInPythonWithPeftNamesAndApplyTheSame() throws Exception {
        Path out = dir.resolve("java-adapter");
        LoraAdapter adapter = handMade();
        adapter.write(out);
        JsonNode got = new ObjectMapper().readTree(python("read", out.toString()));
        JsonNode cfg = got.get("config");
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(2, cfg.get("r").asInt());
        assertTrue(cfg.get("lora_alpha").isIntegralNumber() && cfg.get("lora_alpha").asInt() == 8, cfg.toString());
        assertEquals("[\"query\",\"value\"]", cfg.get("target_modules").toString());
        assertEquals("[\"classifier\"]", cfg.get("modules_to_save").toString());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals(false, cfg.get("fan_in_fan_out").asBoolean());
        assertEquals(false, cfg.get("use_rslora").asBoolean());
        assertEquals("pt", got.get("metadata").get("format").asText());
        JsonNode t = got.get("tensors");
        String q = "base_model.model.encoder.layer.0.attention.self.query.";
        String v = "base_model.model.encoder.layer.0.attention.self.value.";
        Set<String> names = new TreeSet<>();
        t.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(List.of(q + "lora_A.weight", q + "lora_B.weight", v + "lora_A.weight",
                v + "lora_B.weight", "base_model.model.classifier.bias")), names);
        assertEquals("[2,4]", t.get(q + "lora_A.weight").get("shape").toString());
        assertEquals("[4,2]", t.get(v + "lora_B.weight").get("shape").toString());
        assertEquals("[1.5,0.0,-1.0,2.0,0.5,1.0,0.0,-1.5]", t.get(q + "lora_A.weight").get("values").toString());
        assertEquals("[1.0,0.0,0.0,1.0,0.75,0.25,2.0,0.0]", t.get(v + "lora_B.weight").get("values").toString());
        assertEquals("[3.0,2.0,1.0]", t.get("base_model.model.classifier.bias").get("values").toString());

        // the outside implementation applies the Java-written adapter to the HF base as Java does
        JsonNode applied = new ObjectMapper().readTree(python("apply", dir.resolve("base").toString(),
                out.toString()));
        try (TensorSource e = ExpertSources.open(dir.resolve("base"), out)) {
            assertMatches("java adapter", applied, e, 1e-6);
        }
    }

    @Test
    void anAdapterWhoseModuleIsNotInTheBaseFailsWithOneLineNamingIt() {
        LoraConfig cfg = LoraConfig.of(2, 4, List.of("query"), null);
        Path bad = dir.resolve("bad-adapter");
        new LoraAdapter(cfg, Map.of("encoder.layer.3.attention.self.query", factors(1))).write(bad);
        Run r = twin("merge", "--method", "average", "--base", dir.resolve("base").toString(), "--expert",
                "x=" + bad, "--out", dir.resolve("never.safetensors").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("encoder.layer.3.attention.self.query") && r.err().contains("bad-adapter")
                && r.err().contains("not in the base"), r.err());
        assertTrue(!Files.exists(dir.resolve("never.safetensors")));
    }
}
