package dev.twin.core.factored;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.compress.Sparse;
import dev.twin.core.model.Layers;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tiny layers whose per-example outputs are worked out by hand in the comments. */
class FactoredHandCheckTest {
    private static final List<String> TASKS = List.of("a", "b");

    private static Modularized modules(WeightSet shared, Map<String, CompressedTensor> a,
                                       Map<String, CompressedTensor> b) {
        Map<String, Map<String, CompressedTensor>> ex = new LinkedHashMap<>();
        ex.put("a", a);
        ex.put("b", b);
        return new Modularized(TASKS, shared, ex, Map.of("a", new WeightSet(), "b", new WeightSet()));
    }

    private static Dense dense(int[] shape, float... v) {
        return new Dense(new FloatTensor(shape, v));
    }

    /*
     * W* = [[1, 0, 2], [0, 1, −1]], b* = [1, −1]
     * v̂a = U S Vᵀ = [1, 2]ᵀ·1·[1, 0, 1] = [[1, 0, 1], [2, 0, 2]], b̂a = [0.5, 0]
     * v̂b = [0, 1]ᵀ·2·[0, 1, 0] = [[0, 0, 0], [0, 2, 0]], b̂b = [0, 1]
     * w = [1, 0]:     W = [[2, 0, 3], [2, 1, 1]],     b = [1.5, −1]
     * w = [0.5, 0.5]: W = [[1.5, 0, 2.5], [1, 2, 0]], b = [1.25, −0.5]
     */
    private static Modularized linearModules() {
        WeightSet shared = new WeightSet()
                .put("fc.weight", new FloatTensor(new int[] {2, 3}, new float[] {1, 0, 2, 0, 1, -1}))
                .put("fc.bias", new FloatTensor(new int[] {2}, new float[] {1, -1}));
        Map<String, CompressedTensor> a = new LinkedHashMap<>();
        a.put("fc.weight", new LowRank(new int[] {2, 3}, 2, 3, 1, new float[] {1, 2}, new float[] {1},
                new float[] {1, 0, 1}));
        a.put("fc.bias", dense(new int[] {2}, 0.5f, 0));
        Map<String, CompressedTensor> b = new LinkedHashMap<>();
        b.put("fc.weight", new LowRank(new int[] {2, 3}, 2, 3, 1, new float[] {0, 1}, new float[] {2},
                new float[] {0, 1, 0}));
        b.put("fc.bias", dense(new int[] {2}, 0, 1));
        return modules(shared, a, b);
    }

    @Test
    void linearWithRankOneExpertsTwoRowsTwoWeights() {
        try (FactoredExperts fx = new FactoredExperts(linearModules());
             NDManager m = DjlRuntime.newManager()) {
            NDArray w = m.create(new float[] {1, 0, 0.5f, 0.5f}, new Shape(2, 2));
            NDArray x = m.create(new float[] {1, 2, 3, 1, 1, 1}, new Shape(2, 3));
            // x1 = [1, 2, 3]: [2+9, 2+2+3] + [1.5, −1] = [12.5, 6]; x2 = [1, 1, 1]: [4, 3] + [1.25, −0.5]
            assertArrayEquals(new float[] {12.5f, 6, 5.25f, 2.5f}, fx.layers(w).linear("fc", x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void linearWithSeveralRowsPerExample() {
        try (FactoredExperts fx = new FactoredExperts(linearModules());
             NDManager m = DjlRuntime.newManager()) {
            NDArray w = m.create(new float[] {1, 0, 0.5f, 0.5f}, new Shape(2, 2));
            // k = 2 rows per example: example 0 (w = [1, 0]) gets x1, x2; example 1 (w = [0.5, 0.5]) gets x2, x1
            NDArray x = m.create(new float[] {1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 2, 3}, new Shape(4, 3));
            // [2, 0, 3]·x2 + 1.5 = 6.5, [2, 1, 1]·x2 − 1 = 3; [1.5, 0, 2.5]·x1 + 1.25 = 10.25, [1, 2, 0]·x1 − 0.5 = 4.5
            assertArrayEquals(new float[] {12.5f, 6, 6.5f, 3, 5.25f, 2.5f, 10.25f, 4.5f},
                    fx.layers(w).linear("fc", x).toFloatArray(), 1e-5f);
            NDArray odd = m.create(new float[9], new Shape(3, 3));
            Layers layers = fx.layers(w);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layers.linear("fc", odd));
            assertTrue(e.getMessage().contains("not a multiple"), e.getMessage());
        }
    }

    @Test
    void residualOnAnotherBaseIsTheFullMerge() {
        try (FactoredExperts fx = new FactoredExperts(linearModules());
             NDManager m = DjlRuntime.newManager()) {
            // base = θ([1, 0]) = W [[2, 0, 3], [2, 1, 1]], b [1.5, −1]; residual [−0.5, 0.5] gives θ([0.5, 0.5])
            Map<String, NDArray> base = Map.of(
                    "fc.weight", m.create(new float[] {2, 0, 3, 2, 1, 1}, new Shape(2, 3)),
                    "fc.bias", m.create(new float[] {1.5f, -1}));
            NDArray w = m.create(new float[] {-0.5f, 0.5f}, new Shape(1, 2));
            NDArray x = m.create(new float[] {1, 2, 3}, new Shape(1, 3));
            // [1.5, 0, 2.5]·x1 + 1.25 = 10.25, [1, 2, 0]·x1 − 0.5 = 4.5
            assertArrayEquals(new float[] {10.25f, 4.5f}, fx.layers(base, w).linear("fc", x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void badMergeWeightsAreRejected() {
        try (FactoredExperts fx = new FactoredExperts(linearModules());
             NDManager m = DjlRuntime.newManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fx.layers(m.create(new float[] {1, 0, 0}, new Shape(1, 3))));
            assertTrue(e.getMessage().contains("[batch, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> fx.layers(m.create(new float[] {1, Float.NaN}, new Shape(1, 2))));
            assertTrue(e.getMessage().contains("task 'b' is NaN"), e.getMessage());
            assertEquals(TASKS, fx.tasks());
        }
    }

    /*
     * 2×2 kernel over a 2×2 image (one output pixel), K* = [[1, 0], [0, 1]], b* = 0
     * v̂a low-rank: U = [1], S = [1], V = [0, 1, 0, 0] → [[0, 1], [0, 0]], b̂a = 1
     * v̂b sparse: one entry at flat index 2 → [[0, 0], [1, 0]], b̂b = −1
     * image [[1, 2], [3, 4]]: w = [1, 0] → K = [[1, 1], [0, 1]], b = 1: 1 + 2 + 4 + 1 = 8
     *                         w = [0, 2] → K = [[1, 0], [2, 1]], b = −2: 1 + 6 + 4 − 2 = 9
     */
    @Test
    void convWithLowRankAndSparseExperts() {
        int[] k = {1, 1, 2, 2};
        WeightSet shared = new WeightSet()
                .put("conv.weight", new FloatTensor(k, new float[] {1, 0, 0, 1}))
                .put("conv.bias", new FloatTensor(new int[] {1}, new float[] {0}));
        Map<String, CompressedTensor> a = new LinkedHashMap<>();
        a.put("conv.weight", new LowRank(k, 1, 4, 1, new float[] {1}, new float[] {1}, new float[] {0, 1, 0, 0}));
        a.put("conv.bias", dense(new int[] {1}, 1));
        Map<String, CompressedTensor> b = new LinkedHashMap<>();
        b.put("conv.weight", new Sparse(k, new int[] {2}, new float[] {1}));
        b.put("conv.bias", dense(new int[] {1}, -1));
        try (FactoredExperts fx = new FactoredExperts(modules(shared, a, b));
             NDManager m = DjlRuntime.newManager()) {
            NDArray w = m.create(new float[] {1, 0, 0, 2}, new Shape(2, 2));
            NDArray x = m.create(new float[] {1, 2, 3, 4, 1, 2, 3, 4}, new Shape(2, 1, 2, 2));
            NDArray y = fx.layers(w).conv2d("conv", x, 1, 0);
            assertEquals(new Shape(2, 1, 1, 1), y.getShape());
            assertArrayEquals(new float[] {8, 9}, y.toFloatArray(), 1e-5f);
        }
    }

    /*
     * E* = [[1, 0], [0, 1], [1, 1]]; v̂a low-rank U = e0, S = 2, V = [0, 1] → row 0 += [0, 2]; v̂b dense → row 2 += [3, 0]
     * LayerNorm over 2 values: [p, q] → [c, −c]·sign(p − q) with c = 1/√(1 + eps) when |p − q| = 2
     * γ* = [1, 2], β* = [0, 1]; γ̂a = [1, 0], β̂a = 0; γ̂b = [0, 1], β̂b = [1, 1]
     */
    private static Modularized embeddingModules() {
        WeightSet shared = new WeightSet()
                .put("emb.weight", new FloatTensor(new int[] {3, 2}, new float[] {1, 0, 0, 1, 1, 1}))
                .put("ln.weight", new FloatTensor(new int[] {2}, new float[] {1, 2}))
                .put("ln.bias", new FloatTensor(new int[] {2}, new float[] {0, 1}));
        Map<String, CompressedTensor> a = new LinkedHashMap<>();
        a.put("emb.weight", new LowRank(new int[] {3, 2}, 3, 2, 1, new float[] {1, 0, 0}, new float[] {2},
                new float[] {0, 1}));
        a.put("ln.weight", dense(new int[] {2}, 1, 0));
        a.put("ln.bias", dense(new int[] {2}, 0, 0));
        Map<String, CompressedTensor> b = new LinkedHashMap<>();
        b.put("emb.weight", dense(new int[] {3, 2}, 0, 0, 0, 0, 3, 0));
        b.put("ln.weight", dense(new int[] {2}, 0, 1));
        b.put("ln.bias", dense(new int[] {2}, 1, 1));
        return modules(shared, a, b);
    }

    @Test
    void embeddingRowsPerExample() {
        try (FactoredExperts fx = new FactoredExperts(embeddingModules());
             NDManager m = DjlRuntime.newManager()) {
            Layers layers = fx.layers(m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)));
            // example 0 (w = [1, 0]): ids [0, 2] → [1, 2], [1, 1]; example 1 (w = [0, 1]): ids [2, 0] → [4, 1], [1, 0]
            NDArray y = layers.embedding("emb", m.create(new long[] {0, 2, 2, 0}, new Shape(2, 2)));
            assertEquals(new Shape(2, 2, 2), y.getShape());
            assertArrayEquals(new float[] {1, 2, 1, 1, 4, 1, 1, 0}, y.toFloatArray(), 1e-6f);
            // ids [1, L] shared by both examples: [1, 0] → example 0: [0, 1], [1, 2]; example 1: [0, 1], [1, 0]
            NDArray shared = layers.embedding("emb", m.create(new long[] {1, 0}, new Shape(1, 2)));
            assertArrayEquals(new float[] {0, 1, 1, 2, 0, 1, 1, 0}, shared.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void layerNormWithPerExampleGammaAndBeta() {
        float eps = 1e-5f;
        float c = (float) (1 / Math.sqrt(1 + eps));
        try (FactoredExperts fx = new FactoredExperts(embeddingModules());
             NDManager m = DjlRuntime.newManager()) {
            Layers layers = fx.layers(m.create(new float[] {1, 0, 0.5f, 1}, new Shape(2, 2)));
            // [3, 1] → [c, −c] with γ = [2, 2], β = [0, 1]; [0, 2] → [−c, c] with γ = [1.5, 3], β = [1, 2]
            NDArray y = layers.layerNorm("ln", m.create(new float[] {3, 1, 0, 2}, new Shape(2, 2)), eps);
            assertArrayEquals(new float[] {2 * c, -2 * c + 1, -1.5f * c + 1, 3 * c + 2}, y.toFloatArray(), 1e-5f);
        }
    }

    /*
     * Sparse experts go through the dense stack; a big batch is applied a slice of examples at a time. With a slice
     * bound of 2·3·2 floats (one example of k = 3 rows, T = 2, m = 2) every example is its own slice, and the
     * result must equal the whole batch at once. Hand check of example 0, row 0: x = [1, 0, 2], w = [1, 0]:
     * Da = [[1, 0, 0], [0, 0, 3]] → x·Daᵀ = [1, 6].
     */
    @Test
    void sparseExpertsAppliedSliceBySliceEqualTheWholeBatch() {
        Sparse a = new Sparse(new int[] {2, 3}, new int[] {0, 5}, new float[] {1, 3});
        Sparse b = new Sparse(new int[] {2, 3}, new int[] {1, 3}, new float[] {-2, 0.5f});
        try (NDManager m = DjlRuntime.newManager()) {
            FactoredTensor ft = new FactoredTensor(m, "fc.weight", new int[] {2, 3}, List.of(a, b));
            NDArray x = m.create(new float[] {1, 0, 2, 0, 1, 1, 2, 2, 2, 1, 1, 0, 0, 0, 1, 3, 1, 2, 1, 2, 3, 0, 1, 0,
                    4, 0, 1}, new Shape(9, 3)); // 3 examples × k = 3 rows
            NDArray w = m.create(new float[] {1, 0, 0.25f, 0.75f, 0.5f, 0.5f}, new Shape(3, 2));
            float[] whole = ft.denseLinearDelta(x, w, 3, 3, Long.MAX_VALUE).toFloatArray();
            float[] sliced = ft.denseLinearDelta(x, w, 3, 3, 12).toFloatArray();
            assertEquals(18, whole.length);
            assertArrayEquals(new float[] {1, 6}, new float[] {whole[0], whole[1]}, 1e-6f);
            assertArrayEquals(whole, sliced, 1e-6f);
        }
    }
}
