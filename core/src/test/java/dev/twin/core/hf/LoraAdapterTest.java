package dev.twin.core.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    @TempDir
    Path dir;

    static final String P = "base_model.model.";
    static final String Q = "encoder.layer.0.attention.self.query";
    /** A [2, 3] and B [2, 2]: B·A = [[1, 2, 3], [2, 5, 6]] by hand. */
    static final FloatTensor A = FloatTensor.of(new int[]{2, 3}, 1, 2, 3, 0, 1, 0);
    static final FloatTensor B = FloatTensor.of(new int[]{2, 2}, 1, 0, 2, 1);

    @Test
    void deltaIsScaledBA() {
        LoraFactors f = LoraFactors.linear(A, B);
        assertEquals(FloatTensor.of(new int[]{2, 3}, 0.5f, 1, 1.5f, 1, 2.5f, 3), f.delta(0.5, false));
        // fan_in_fan_out: the base stores [in, out], so ΔW is (B·A)ᵀ
        assertEquals(FloatTensor.of(new int[]{3, 2}, 0.5f, 1, 1, 2.5f, 1.5f, 3), f.delta(0.5, true));
        // embeddings are always transposed
        assertEquals(FloatTensor.of(new int[]{3, 2}, 2, 4, 4, 10, 6, 12), new LoraFactors(A, B, true).delta(2, false));
        float[] w = {1, 1, 1, 0, 0, 0};
        f.addDeltaTo(w, 0.5, false);
        assertArrayEquals(new float[]{1.5f, 2, 2.5f, 1, 2.5f, 3}, w);
    }

    @Test
    void factorsMustBeTwoDimensionalWithOneRank() {
        String m = assertThrows(IllegalArgumentException.class, () -> LoraFactors.linear(A,
                FloatTensor.zeros(2, 3))).getMessage();
        assertTrue(m.contains("lora_A has shape [2, 3] and lora_B [2, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> LoraFactors.linear(FloatTensor.zeros(2, 3, 1, 1),
                B)).getMessage();
        assertTrue(m.contains("[2, 3, 1, 1]") && m.contains("2-D"), m);
    }

    @Test
    void scaleIsAlphaOverROrOverSqrtR() {
        assertEquals(4.0, LoraConfig.of(4, 16, List.of("q"), null).scale());
        assertEquals(8.0, new LoraConfig(4, 16, List.of("q"), null, false, null, List.of(), true).scale());
    }

    @Test
    void targetsMatchAsPeftDoes() {
        LoraConfig list = LoraConfig.of(2, 2, List.of("query", "self.value"), null);
        assertTrue(list.targets("bert.encoder.layer.0.attention.self.query"));
        assertTrue(list.targets("query"));
        assertTrue(list.targets("x.self.value"));
        assertFalse(list.targets("x.query_proj"));
        assertFalse(list.targets("x.myquery"));
        assertFalse(list.targets("x.other.value"));
        LoraConfig regex = new LoraConfig(2, 2, null, ".*\\.(query|key)", false, null, List.of("classifier"), false);
        assertTrue(regex.targets("a.query"));
        assertFalse(regex.targets("a.query.x"));
        assertTrue(regex.saves("classifier.weight"));
        assertTrue(regex.saves("bert.classifier.dense.weight"));
        assertFalse(regex.saves("classifier_head.weight"));
        assertFalse(regex.saves("classifier"));
    }

    private LoraAdapter sample() {
        LoraConfig cfg = new LoraConfig(2, 3, null, ".*(query|word_embeddings)", true, "some/base",
                List.of("classifier"), true);
        Map<String, LoraFactors> m = new LinkedHashMap<>();
        m.put(Q, LoraFactors.linear(A, B));
        m.put("embeddings.word_embeddings", new LoraFactors(A, B, true));
        return new LoraAdapter(cfg, m, new WeightSet().put("classifier.bias", FloatTensor.of(new int[]{2}, 7, 8)));
    }

    @Test
    void writeThenReadGivesTheSameAdapter() {
        LoraAdapter a = sample();
        a.write(dir.resolve("ad"));
        LoraAdapter back = LoraAdapter.read(dir.resolve("ad"));
        assertEquals(a.config(), back.config());
        assertEquals(List.copyOf(a.modules().keySet()), List.copyOf(back.modules().keySet()));
        a.modules().forEach((k, f) -> assertEquals(f, back.modules().get(k), k));
        assertEquals(a.saved().asMap(), back.saved().asMap());
        assertTrue(LoraAdapter.isAdapterDir(dir.resolve("ad")));
        assertFalse(LoraAdapter.isAdapterDir(dir));
    }

    /** An adapter directory written by hand: the config text and the tensors under their file names. */
    private Path adapter(String config, Map<String, FloatTensor> tensors) throws Exception {
        Path d = Files.createDirectories(dir.resolve("hand"));
        Files.writeString(d.resolve("adapter_config.json"), config);
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((n, t) -> w.add(n, t, DType.F32));
        w.write(d.resolve("adapter_model.safetensors"));
        return d;
    }

    private static final String CONFIG = "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4, "
            + "\"target_modules\": [\"query\"], \"bias\": \"none\", \"modules_to_save\": null}";

    private static Map<String, FloatTensor> tensors(Object... nameAndTensor) {
        Map<String, FloatTensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndTensor.length; i += 2) {
            m.put((String) nameAndTensor[i], (FloatTensor) nameAndTensor[i + 1]);
        }
        return m;
    }

    private String readError(String config, Map<String, FloatTensor> tensors) throws Exception {
        Path d = adapter(config, tensors);
        return assertThrows(CheckpointException.class, () -> LoraAdapter.read(d)).getMessage();
    }

    @Test
    void badTensorsAreNamed() throws Exception {
        String m = readError(CONFIG, tensors(P + Q + ".lora_A.weight", A));
        assertTrue(m.contains("module '" + Q + "' has lora_A but no partner '" + P + Q + ".lora_B.weight'"), m);
        m = readError(CONFIG, tensors(P + Q + ".lora_B.weight", B));
        assertTrue(m.contains("has lora_B but no partner '" + P + Q + ".lora_A.weight'"), m);
        m = readError(CONFIG, tensors(P + Q + ".lora_A.weight", A, P + Q + ".lora_B.weight", B,
                P + "pooler.dense.weight", B));
        assertTrue(m.contains("unknown tensor '" + P + "pooler.dense.weight'") && m.contains("modules_to_save"), m);
        m = readError(CONFIG, tensors(Q + ".lora_A.weight", A));
        assertTrue(m.contains("unknown tensor '" + Q + ".lora_A.weight'") && m.contains("start with"), m);
        m = readError(CONFIG, tensors(P + Q + ".lora_A.default.weight", A));
        assertTrue(m.contains("unknown tensor '" + P + Q + ".lora_A.default.weight'"), m);
        m = readError(CONFIG, tensors(P + Q + ".lora_A.weight", FloatTensor.zeros(3, 3), P + Q + ".lora_B.weight",
                FloatTensor.zeros(2, 3)));
        assertTrue(m.contains("module '" + Q + "' has factors of rank 3") && m.contains("r = 2"), m);
        m = readError(CONFIG, tensors(P + "x.key.lora_A.weight", A, P + "x.key.lora_B.weight", B));
        assertTrue(m.contains("module 'x.key'") && m.contains("target_modules [query] does not select it"), m);
        m = readError(CONFIG, tensors(P + Q + ".lora_A.weight", A, P + Q + ".lora_B.weight", FloatTensor.zeros(2, 3)));
        assertTrue(m.contains("module '" + Q + "'") && m.contains("lora_B [2, 3]"), m);
    }

    @Test
    void badConfigsAreNamed() throws Exception {
        Map<String, FloatTensor> ok = tensors(P + Q + ".lora_A.weight", A, P + Q + ".lora_B.weight", B);
        assertEquals(2.0, LoraAdapter.read(adapter(CONFIG, ok)).config().scale());
        String m = readError(CONFIG.replace("\"r\": 2, ", ""), ok);
        assertTrue(m.contains("adapter_config.json") && m.contains("missing key 'r'"), m);
        m = readError(CONFIG.replace("\"bias\": \"none\"", "\"bias\": \"all\""), ok);
        assertTrue(m.contains("bias is 'all'"), m);
        m = readError(CONFIG.replace("{", "{\"use_dora\": true, "), ok);
        assertTrue(m.contains("use_dora is true"), m);
        m = readError(CONFIG.replace("{", "{\"rank_pattern\": {\"query\": 4}, "), ok);
        assertTrue(m.contains("rank_pattern"), m);
        m = readError(CONFIG.replace("{", "{\"layers_to_transform\": [0], "), ok);
        assertTrue(m.contains("layers_to_transform"), m);
        m = readError(CONFIG.replace("\"LORA\"", "\"IA3\""), ok);
        assertTrue(m.contains("peft_type is 'IA3'"), m);
        m = readError(CONFIG.replace("[\"query\"]", "3"), ok);
        assertTrue(m.contains("'target_modules' is a number"), m);
        m = readError(CONFIG.replace("[\"query\"]", "\"(unclosed\""), ok);
        assertTrue(m.contains("does not compile"), m);
        // the documented neutral values of unsupported settings are accepted
        assertEquals(2, LoraAdapter.read(adapter(CONFIG.replace("{", "{\"use_dora\": false, \"rank_pattern\": {}, "
                + "\"layers_to_transform\": null, \"lora_dropout\": 0.1, "), ok)).config().r());
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path d = Files.createDirectories(dir.resolve("only-config"));
        Files.writeString(d.resolve("adapter_config.json"), CONFIG);
        String m = assertThrows(CheckpointException.class, () -> LoraAdapter.read(d)).getMessage();
        assertTrue(m.contains("only-config") && m.contains("no adapter_model.safetensors"), m);
        Files.write(d.resolve("adapter_model.bin"), new byte[]{1});
        m = assertThrows(CheckpointException.class, () -> LoraAdapter.read(d)).getMessage();
        assertTrue(m.contains("adapter_model.bin"), m);
        m = assertThrows(CheckpointException.class, () -> LoraAdapter.read(dir.resolve("nope"))).getMessage();
        assertTrue(m.contains("nope") && m.contains("not a directory"), m);
    }
}
