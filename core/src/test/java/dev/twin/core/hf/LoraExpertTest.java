package dev.twin.core.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraExpertTest {
    @TempDir
    Path dir;

    static final FloatTensor A = LoraAdapterTest.A;
    static final FloatTensor B = LoraAdapterTest.B;
    static final String Q = "encoder.layer.0.attention.self.query";

    /** A base under the "bert." prefix: the query weight [2, 3] = [[1, 1, 1], [0, 0, 0]], a bias, a classifier. */
    private Path base(String prefix) {
        WeightSet ws = new WeightSet()
                .put(prefix + Q + ".weight", FloatTensor.of(new int[]{2, 3}, 1, 1, 1, 0, 0, 0))
                .put(prefix + Q + ".bias", FloatTensor.of(new int[]{2}, 5, 6))
                .put("classifier.weight", FloatTensor.of(new int[]{1, 2}, 9, 9));
        Path f = dir.resolve(prefix + "base.safetensors");
        SafetensorsWriter.write(f, ws, DType.F32);
        return f;
    }

    private Path adapter(String module, LoraConfig cfg, WeightSet saved) {
        Path d = dir.resolve("adapter-" + module.hashCode() + "-" + cfg.hashCode());
        new LoraAdapter(cfg, Map.of(module, LoraFactors.linear(A, B)), saved).write(d);
        return d;
    }

    private static LoraConfig cfg(double alpha, boolean fanInFanOut, List<String> save) {
        return new LoraConfig(2, alpha, List.of("query"), null, fanInFanOut, null, save, false);
    }

    @Test
    void loadsGiveBasePlusScaledBAUnderAModelPrefix() {
        Path ad = adapter(Q, cfg(1, false, List.of("classifier")),
                new WeightSet().put("classifier.weight", FloatTensor.of(new int[]{1, 2}, -1, 2)));
        try (TensorSource e = ExpertSources.open(base("bert."), ad)) {
            LoraExpert le = assertInstanceOf(LoraExpert.class, e);
            assertEquals(List.of("bert." + Q + ".weight", "bert." + Q + ".bias", "classifier.weight"), e.names());
            // W + (1/2)·B·A = [[1,1,1],[0,0,0]] + [[.5,1,1.5],[1,2.5,3]]
            assertArrayEquals(new float[]{1.5f, 2, 2.5f, 1, 2.5f, 3}, e.load("bert." + Q + ".weight").data());
            assertArrayEquals(new float[]{5, 6}, e.load("bert." + Q + ".bias").data());
            assertArrayEquals(new float[]{-1, 2}, e.load("classifier.weight").data());
            assertEquals(List.of("bert." + Q + ".weight"), List.copyOf(le.targets().keySet()));
            String m = assertThrows(CheckpointException.class, () -> e.loadInts("bert." + Q + ".weight"))
                    .getMessage();
            assertTrue(m.contains("changed by the adapter"), m);
        }
    }

    @Test
    void adapterPrefixIsDroppedForABareBase() {
        Path ad = adapter("bert." + Q, cfg(2, false, List.of()), new WeightSet());
        try (TensorSource e = ExpertSources.open(base(""), ad)) {
            assertArrayEquals(new float[]{2, 3, 4, 2, 5, 6}, e.load(Q + ".weight").data());
        }
    }

    @Test
    void deltasAndApplyAgreeWithHandValues() {
        LoraAdapter ad = new LoraAdapter(cfg(1, false, List.of()), Map.of(Q, LoraFactors.linear(A, B)));
        try (SafetensorsFile b = SafetensorsFile.open(base(""))) {
            WeightSet d = ad.deltas(b);
            assertEquals(List.of(Q + ".weight"), List.copyOf(d.names()));
            assertArrayEquals(new float[]{0.5f, 1, 1.5f, 1, 2.5f, 3}, d.get(Q + ".weight").data());
            WeightSet full = ad.apply(b);
            assertArrayEquals(new float[]{1.5f, 2, 2.5f, 1, 2.5f, 3}, full.get(Q + ".weight").data());
            assertArrayEquals(new float[]{9, 9}, full.get("classifier.weight").data());
            LoraAdapter elsewhere = new LoraAdapter(cfg(1, false, List.of()), Map.of("x.query",
                    LoraFactors.linear(A, B)));
            String m = assertThrows(CheckpointException.class, () -> elsewhere.apply(b)).getMessage();
            assertTrue(m.contains("target module 'x.query' is not in the base") && m.contains("adapter in memory"), m);
        }
    }

    @Test
    void mismatchesWithTheBaseAreNamed() {
        Path basePath = base("");
        Path missing = adapter("encoder.layer.7.attention.self.query", cfg(1, false, List.of()), new WeightSet());
        String m = assertThrows(CheckpointException.class, () -> ExpertSources.open(basePath, missing)).getMessage();
        assertTrue(m.contains("target module 'encoder.layer.7.attention.self.query' is not in the base")
                && m.contains(basePath.toString()), m);
        // fan_in_fan_out makes ΔW [3, 2], which the [2, 3] base weight is not
        Path transposed = adapter(Q, cfg(1, true, List.of()), new WeightSet());
        m = assertThrows(CheckpointException.class, () -> ExpertSources.open(basePath, transposed)).getMessage();
        assertTrue(m.contains("has shape [3, 2]") && m.contains("lora_B [2, 2] · lora_A [2, 3]")
                && m.contains("'" + Q + ".weight' has shape [2, 3]"), m);
        Path badSaved = adapter(Q, cfg(1, false, List.of("classifier")),
                new WeightSet().put("classifier.weight", FloatTensor.zeros(3)));
        m = assertThrows(CheckpointException.class, () -> ExpertSources.open(basePath, badSaved)).getMessage();
        assertTrue(m.contains("modules_to_save tensor 'classifier.weight' has shape [3]")
                && m.contains("[1, 2]"), m);
        Path noSuchSaved = adapter(Q, cfg(1, false, List.of("score")),
                new WeightSet().put("score.weight", FloatTensor.zeros(1, 2)));
        m = assertThrows(CheckpointException.class, () -> ExpertSources.open(basePath, noSuchSaved)).getMessage();
        assertTrue(m.contains("modules_to_save tensor 'score.weight' is not in the base"), m);
    }

    @Test
    void aNameReachingTwoBaseTensorsIsRefused() {
        // "x.<Q>.weight" reaches both "<Q>.weight" (first segment dropped) and "x.x.<Q>.weight" (under prefix "x")
        WeightSet ws = new WeightSet().put(Q + ".weight", FloatTensor.zeros(2, 3))
                .put("x.x." + Q + ".weight", FloatTensor.zeros(2, 3));
        Path f = dir.resolve("twice.safetensors");
        SafetensorsWriter.write(f, ws, DType.F32);
        Path ad = adapter("x." + Q, cfg(1, false, List.of()), new WeightSet());
        String m = assertThrows(CheckpointException.class, () -> ExpertSources.open(f, ad)).getMessage();
        assertTrue(m.contains("matches several base tensors"), m);
    }

    @Test
    void nonAdapterPathsOpenAsCheckpoints() {
        Path b = base("");
        try (TensorSource s = ExpertSources.open(dir.resolve("not-there"), b)) {
            assertInstanceOf(SafetensorsFile.class, s);
        }
    }
}
