package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.hf.LoraAdapter;
import dev.twin.core.hf.LoraConfig;
import dev.twin.core.model.Bert;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.AdamWConfig;
import dev.twin.core.train.LoraParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA experts of a tiny BERT: training writes a real PEFT adapter directory, and the expert read back through
 * ExpertSources is the base plus (alpha/r)·B·A computed here with plain loops from the saved factors.
 */
class LoraTrainingTest {
    static final int L = 6;
    static final int R = 2;
    static final double ALPHA = 6;
    static final BertConfig CONFIG = BertConfig.of(8, 2, 2, 16, 30, 10, 2, 1e-12);

    @TempDir
    Path tmp;

    /** Label 1 when the second token's id is below 15: learnable from the embeddings. */
    static Split data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 2 * L];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(L - 2);
            for (int t = 0; t < L; t++) {
                x[i * 2 * L + t] = t < len ? 1 + r.nextInt(29) : 0;
                x[i * 2 * L + L + t] = t < len ? 1 : 0;
            }
            y[i] = x[i * 2 * L + 1] < 15 ? 1 : 0;
        }
        return new Split(x, y, n, 2 * L);
    }

    @Test
    void trainedAdapterIsPeftAndReadsBackAsBasePlusScaledBA() throws Exception {
        Bert arch = Bert.of(CONFIG, L);
        WeightSet base = arch.initTrunk(5);
        WeightSet hf = new WeightSet();
        base.asMap().forEach((n, t) -> hf.put(n.substring(Bert.PREFIX.length()), t));
        Path baseDir = tmp.resolve("base");
        BertCheckpoint.write(baseDir, CONFIG, hf);
        TaskData task = new TaskData("toy", 2, data(64, 1), data(16, 2), data(16, 3));
        AdamWConfig tune = new AdamWConfig(0.05, 0.01, 16, 2, 0, 4);
        TextRecipe recipe = new TextRecipe(tune, true, tune, R, ALPHA, List.of("query", "key", "value", "dense"));
        WeightSet head = TextExpertTrainer.freshHead(arch, task, recipe);
        Path cache = tmp.resolve("cache");

        WeightSet expert = TextExpertTrainer.lora(arch, base, head, task, recipe, baseDir, cache, false, null);

        Path adapterDir = cache.resolve(TextExpertTrainer.ADAPTERS).resolve("toy");
        JsonNode cfg = new ObjectMapper().readTree(adapterDir.resolve(LoraConfig.FILE).toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(R, cfg.get("r").asInt());
        assertEquals(6, cfg.get("lora_alpha").asInt());
        assertEquals(4, cfg.get("target_modules").size());
        int modules = 0;
        boolean moved = false;
        try (SafetensorsFile f = SafetensorsFile.open(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            for (String name : f.names()) {
                if (!name.endsWith(".lora_A.weight")) {
                    continue;
                }
                modules++;
                String module = name.substring("base_model.model.".length(), name.length() - ".lora_A.weight".length());
                FloatTensor a = f.load(name);
                FloatTensor b = f.load("base_model.model." + module + ".lora_B.weight");
                FloatTensor w = base.get("trunk." + module + ".weight");
                FloatTensor got = expert.get("trunk." + module + ".weight");
                int out = w.shape()[0];
                int in = w.shape()[1];
                assertArrayEquals(new int[] {R, in}, a.shape(), module);
                assertArrayEquals(new int[] {out, R}, b.shape(), module);
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        double ba = 0;
                        for (int k = 0; k < R; k++) {
                            ba += b.data()[o * R + k] * (double) a.data()[k * in + i];
                        }
                        moved |= ba != 0;
                        // W' = W + (alpha / r)·(B·A)
                        double want = w.data()[o * in + i] + ALPHA / R * ba;
                        assertEquals(want, got.data()[o * in + i], 1e-6, module + "[" + o + "," + i + "]");
                    }
                }
            }
        }
        assertEquals(2 * 6, modules, "query, key, value, attention output, intermediate and output dense per layer");
        assertTrue(moved, "training moved B away from its zero start");
        int untouched = 0;
        for (String n : base.names()) {
            boolean target = n.endsWith(".weight") && !n.contains("LayerNorm") && !n.contains("embeddings");
            if (!target) {
                assertArrayEquals(base.get(n).data(), expert.get(n).data(), n + " is not a LoRA target");
                untouched++;
            }
        }
        assertEquals(base.size() - 12, untouched);
        assertTrue(Files.isRegularFile(adapterDir.resolve(TextExpertTrainer.HEAD_FILE)));
        assertTrue(expert.contains("head.toy.weight") && expert.contains("head.toy.bias"));
    }

    @Test
    void trainingViewAndMergedExpertGiveTheSameLogits() throws Exception {
        Bert arch = Bert.of(CONFIG, L);
        WeightSet base = arch.initTrunk(6);
        base.put("head.toy.weight", new FloatTensor(new int[] {2, 8}, new float[] {
                1, 0, -1, 0, 2, 0, 0, 1, 0, 1, 0, -1, 0, 2, 1, 0}));
        base.put("head.toy.bias", FloatTensor.zeros(new int[] {2}));
        LoraParams lora = LoraParams.of(LoraConfig.of(R, ALPHA, List.of("query", "dense"), null), arch.trunkShapes());
        assertEquals(2 * 4, lora.modules().size(), "query + three dense modules per layer");
        WeightSet factors = lora.init(arch.trunkShapes(), 9);
        // B starts at zero (PEFT); give it values so the update is visible
        SplittableRandom r = new SplittableRandom(3);
        for (String n : factors.names()) {
            if (n.endsWith(".B")) {
                float[] d = factors.get(n).data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (0.5 * r.nextGaussian());
                }
            }
        }
        WeightSet all = base.copy();
        factors.asMap().forEach(all::put);
        Split x = data(5, 8);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, all);
            NDArray in = m.create(x.x(), new Shape(x.n(), x.dim()));
            float[] viewed = arch.logits(lora.view(p), "toy", in).toFloatArray();
            Path file = tmp.resolve("base.safetensors");
            SafetensorsWriter.write(file, base, DType.F32);
            WeightSet merged;
            try (SafetensorsFile src = SafetensorsFile.open(file)) {
                merged = lora.adapter(p).apply(src);
            }
            float[] direct = arch.logits(Params.toNd(m, merged), "toy", in).toFloatArray();
            for (int i = 0; i < viewed.length; i++) {
                assertEquals(direct[i], viewed[i], 1e-5, "logit " + i);
            }
        }
    }
}
