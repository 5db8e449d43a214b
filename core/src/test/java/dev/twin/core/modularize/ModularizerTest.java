package dev.twin.core.modularize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.twin.core.compress.CompressOptions;
import dev.twin.core.compress.Dense;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ModularizerTest {
    private static final MergeOptions TA_HALF = MergeOptions.defaults().withLambda(0.5)
            .withExclude(List.of(Pattern.compile("head\\..*")));

    // base: w = 0, b = 0; expert a: w = diag(2, 0), b = (1, 0), head.a; expert b: w = diag(0, 4), b = (0, 3), head.b
    private static WeightSet base() {
        return new WeightSet().put("w", FloatTensor.of(new int[]{2, 2}, 0, 0, 0, 0))
                .put("b", FloatTensor.of(new int[]{2}, 0, 0))
                .put("head.base.weight", FloatTensor.of(new int[]{1, 2}, 9, 9));
    }

    private static Map<String, WeightSet> experts() {
        Map<String, WeightSet> e = new LinkedHashMap<>();
        e.put("a", new WeightSet().put("w", FloatTensor.of(new int[]{2, 2}, 2, 0, 0, 0))
                .put("b", FloatTensor.of(new int[]{2}, 1, 0))
                .put("head.a.weight", FloatTensor.of(new int[]{1, 2}, 5, 6)));
        e.put("b", new WeightSet().put("w", FloatTensor.of(new int[]{2, 2}, 0, 0, 0, 4))
                .put("b", FloatTensor.of(new int[]{2}, 0, 3))
                .put("head.b.weight", FloatTensor.of(new int[]{1, 2}, 7, 8)));
        return e;
    }

    @Test
    void sharedExpertExclusiveVectorsAndHeadsByHand() {
        Modularized m = Modularizer.run(base(), experts(),
                new ModularizeConfig("task-arithmetic", TA_HALF, "none", new CompressOptions(null, null, 0)));
        // θ* = θ0 + 0.5·(τa + τb): w = diag(1, 2), b = (0.5, 1.5); the base head is copied, not merged
        assertArrayEquals(new float[]{1, 0, 0, 2}, m.shared().get("w").data());
        assertArrayEquals(new float[]{0.5f, 1.5f}, m.shared().get("b").data());
        assertArrayEquals(new float[]{9, 9}, m.shared().get("head.base.weight").data());
        // va = θa − θ* = diag(1, −2), (0.5, −1.5); vb = diag(−1, 2), (−0.5, 1.5)
        assertArrayEquals(new float[]{1, 0, 0, -2}, m.exclusive().get("a").get("w").toDense().data());
        assertArrayEquals(new float[]{-0.5f, 1.5f}, m.exclusive().get("b").get("b").toDense().data());
        assertInstanceOf(Dense.class, m.exclusive().get("a").get("b"));
        assertEquals(List.of("w", "b"), m.mergedNames());
        assertArrayEquals(new float[]{5, 6}, m.heads().get("a").get("head.a.weight").data());
        assertEquals(List.of("head.b.weight"), List.copyOf(m.heads().get("b").names()));
    }

    @Test
    void svdRankOneKeepsTheLargerSingularDirection() {
        Modularized m = Modularizer.run(base(), experts(),
                new ModularizeConfig("task-arithmetic", TA_HALF, "svd", new CompressOptions(1, null, 0)));
        // va = diag(1, −2): σ1 = 2 on e2, so v̂a = diag(0, −2); biases (rank 1) stay dense
        assertArrayEquals(new float[]{0, 0, 0, -2}, m.exclusive().get("a").get("w").toDense().data(), 1e-6f);
        assertArrayEquals(new float[]{0.5f, -1.5f}, m.exclusive().get("a").get("b").toDense().data(), 1e-6f);
        try (Materializer mat = new Materializer(m)) {
            // θ([1, 0]) = θ* + v̂a = diag(1, 2) + diag(0, −2) = diag(1, 0); b = θa's bias exactly
            WeightSet a = mat.materializeWeights(new float[]{1, 0});
            assertArrayEquals(new float[]{1, 0, 0, 0}, a.get("w").data(), 1e-6f);
            assertArrayEquals(new float[]{1, 0}, a.get("b").data(), 1e-6f);
            // the excluded base head passes through unchanged
            assertArrayEquals(new float[]{9, 9}, a.get("head.base.weight").data());
        }
    }

    @Test
    void mismatchedExpertIsRejectedWithItsName() {
        Map<String, WeightSet> e = experts();
        e.get("b").put("w", FloatTensor.of(new int[]{4}, 0, 0, 0, 4));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Modularizer.run(base(), e,
                new ModularizeConfig("task-arithmetic", TA_HALF, "none", new CompressOptions(null, null, 0))));
        org.junit.jupiter.api.Assertions.assertTrue(ex.getMessage().contains("w"), ex.getMessage());
    }
}
