package dev.twin.core.materialize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.compress.Sparse;
import dev.twin.core.device.TestDevices;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** θ(w) from DJL's stacked GEMM against a plain-loop dense reference θ* + Σ wt·dense(v̂t). */
class MaterializerTest {
    private final SplittableRandom rnd = new SplittableRandom(7);

    private float[] gauss(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private LowRank lowRank(int[] shape, int r) {
        int m = shape[0];
        int n = (int) (FloatTensor.numel(shape) / m);
        return new LowRank(shape, m, n, r, gauss(m * r), gauss(r), gauss(n * r));
    }

    @ParameterizedTest
    @MethodSource("dev.twin.core.device.TestDevices#names")
    void stackedGemmEqualsDenseReference(String device) {
        Device dev = TestDevices.require(device);
        List<String> tasks = List.of("a", "b", "c");
        WeightSet shared = new WeightSet()
                .put("fc.weight", new FloatTensor(new int[]{12, 20}, gauss(240)))
                .put("conv.weight", new FloatTensor(new int[]{4, 2, 3, 3}, gauss(72)))
                .put("fc.bias", new FloatTensor(new int[]{12}, gauss(12)))
                .put("mixed.weight", new FloatTensor(new int[]{6, 5}, gauss(30)))
                .put("head.keep", new FloatTensor(new int[]{3}, gauss(3)));
        Map<String, Map<String, CompressedTensor>> ex = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            Map<String, CompressedTensor> parts = new LinkedHashMap<>();
            parts.put("fc.weight", lowRank(new int[]{12, 20}, 2 + t)); // different ranks per expert
            parts.put("conv.weight", lowRank(new int[]{4, 2, 3, 3}, 3));
            parts.put("fc.bias", new Dense(new FloatTensor(new int[]{12}, gauss(12))));
            parts.put("mixed.weight", t == 1 ? new Sparse(new int[]{6, 5}, new int[]{0, 7, 29}, gauss(3))
                    : lowRank(new int[]{6, 5}, 1));
            ex.put(tasks.get(t), parts);
        }
        Modularized m = new Modularized(tasks, shared, ex, Map.of("a", new WeightSet(), "b", new WeightSet(),
                "c", new WeightSet()));
        float[] w = {0.6f, -0.25f, 0.9f};
        try (Materializer mat = new Materializer(m, dev)) {
            WeightSet got = mat.materializeWeights(w);
            assertEquals(List.copyOf(shared.names()), List.copyOf(got.names()));
            for (String name : shared.names()) {
                float[] ref = shared.get(name).data().clone();
                if (!name.startsWith("head")) {
                    for (int t = 0; t < 3; t++) {
                        float[] d = ex.get(tasks.get(t)).get(name).toDense().data();
                        for (int i = 0; i < ref.length; i++) {
                            ref[i] += w[t] * d[i]; // θ* + Σ wt·v̂t
                        }
                    }
                }
                float[] g = got.get(name).data();
                assertEquals(shared.get(name).shapeString(), got.get(name).shapeString());
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], g[i], 1e-5, name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void lowRankFactorsMatchAHandComputedProduct() {
        // U = [1, 2]ᵀ, S = [3], V = [1, 0, −1]ᵀ → U·S·Vᵀ = [[3, 0, −3], [6, 0, −6]]; θ* = 1; w = 0.5
        LowRank v = new LowRank(new int[]{2, 3}, 2, 3, 1, new float[]{1, 2}, new float[]{3}, new float[]{1, 0, -1});
        WeightSet shared = new WeightSet().put("w", new FloatTensor(new int[]{2, 3}, new float[]{1, 1, 1, 1, 1, 1}));
        Modularized m = new Modularized(List.of("t"), shared, Map.of("t", Map.of("w", v)), Map.of("t", new WeightSet()));
        try (Materializer mat = new Materializer(m)) {
            float[] got = mat.materializeWeights(new float[]{0.5f}).get("w").data();
            float[] want = {2.5f, 1, -0.5f, 4, 1, -2};
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6);
            }
        }
    }

    @Test
    void wrongNumberOfWeightsNamesTheTasks() {
        WeightSet shared = new WeightSet().put("w", new FloatTensor(new int[]{2}, new float[]{1, 1}));
        Modularized m = new Modularized(List.of("x", "y"), shared,
                Map.of("x", Map.of("w", new Dense(new FloatTensor(new int[]{2}, new float[]{1, 1}))),
                        "y", Map.of("w", new Dense(new FloatTensor(new int[]{2}, new float[]{1, 1})))),
                Map.of());
        try (Materializer mat = new Materializer(m)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mat.materializeWeights(new float[]{1}));
            assertTrue(e.getMessage().contains("[x, y]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mat.materializeWeights(new float[]{1, Float.NaN}));
            assertTrue(e.getMessage().contains("'y'"), e.getMessage());
        }
    }
}
