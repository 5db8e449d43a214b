package dev.twin.core.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNorm in the router, against numbers worked out by hand (eps = 1e-5, LeakyReLU slope 0.01). */
class BatchNormTest {

    /**
     * d = 1 (so 2 hidden features), T = 2. Layer 0: z = [x, 2x]. BatchNorm 1: gamma [2, 0.5], beta [1, −1],
     * running mean [0.5, 1], running var [4, 0.25]. Layers 2 and 4 are identities, BatchNorm 3 only divides by
     * √(1 + eps).
     */
    static RouterModel handModel() {
        WeightSet w = new WeightSet()
                .put("router.0.weight", FloatTensor.of(new int[] {2, 1}, 1f, 2f))
                .put("router.0.bias", FloatTensor.of(new int[] {2}, 0f, 0f))
                .put("router.1.gamma", FloatTensor.of(new int[] {2}, 2f, 0.5f))
                .put("router.1.beta", FloatTensor.of(new int[] {2}, 1f, -1f))
                .put("router.1.running_mean", FloatTensor.of(new int[] {2}, 0.5f, 1f))
                .put("router.1.running_var", FloatTensor.of(new int[] {2}, 4f, 0.25f))
                .put("router.2.weight", FloatTensor.of(new int[] {2, 2}, 1f, 0f, 0f, 1f))
                .put("router.2.bias", FloatTensor.of(new int[] {2}, 0f, 0f))
                .put("router.3.gamma", FloatTensor.of(new int[] {2}, 1f, 1f))
                .put("router.3.beta", FloatTensor.of(new int[] {2}, 0f, 0f))
                .put("router.3.running_mean", FloatTensor.of(new int[] {2}, 0f, 0f))
                .put("router.3.running_var", FloatTensor.of(new int[] {2}, 1f, 1f))
                .put("router.4.weight", FloatTensor.of(new int[] {2, 2}, 1f, 0f, 0f, 1f))
                .put("router.4.bias", FloatTensor.of(new int[] {2}, 0f, 0f));
        return new RouterModel(List.of("a", "b"), 1, w, 1.0);
    }

    // x = 3:   BN1 = [(3 − 0.5)/√4.00001·2 + 1, (6 − 1)/√0.25001·0.5 − 1] = [3.4999969, 3.9999000] (positive, LeakyReLU
    //          keeps them), BN3 divides by √1.00001 → [3.4999794, 3.9998800]
    // x = −1:  BN1 = [−1.5/√4.00001·2 + 1, −3/√0.25001·0.5 − 1] = [−0.4999981, −3.9999400] → ·0.01 = [−0.0049999813,
    //          −0.0399994], BN3 → [−0.0049999563, −0.0399992], LeakyReLU again → [−4.9999563e−5, −3.999920e−4]
    // x = 0.2: BN1 = [0.7000004, −1.5999880] → [0.7000004, −0.0159999], BN3 → [0.6999969, −0.0159998] → [0.6999969,
    //          −1.5999800e−4]
    static final float[][] EXPECTED = {
            {3.4999794f, 3.9998800f},
            {-4.9999563e-5f, -3.9999200e-4f},
            {0.6999969f, -1.5999800e-4f}};

    @Test
    void inferenceUsesRunningStatisticsDjl() {
        float[][] logits = handModel().logits(new float[] {3f, -1f, 0.2f}, 3);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(EXPECTED[i], logits[i], 2e-6f, "row " + i);
        }
    }

    @Test
    void inferenceUsesRunningStatisticsOnnx() {
        // the trunk is relu(1·x + 0), the identity for x ≥ 0
        TinyArchitecture identity = new TinyArchitecture(1, 1);
        WeightSet trunk = new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {1, 1}, 1f))
                .put("trunk.0.bias", FloatTensor.of(new int[] {1}, 0f));
        try (RouterSession s = RouterSession.load(RouterOnnx.export(handModel(), identity, trunk))) {
            float[][] logits = s.logits(new float[] {3f, 0.2f}, 2);
            assertArrayEquals(EXPECTED[0], logits[0], 2e-6f);
            assertArrayEquals(EXPECTED[2], logits[1], 2e-6f);
        }
    }

    /**
     * One training-mode pass over x = [[1, 10], [3, 10], [5, 16]]: feature 0 has mean 3, biased var 8/3, unbiased
     * var 4; feature 1 has mean 12, biased var 8, unbiased var 12. Running stats start at mean 0, var 1 and move by
     * momentum 0.1: mean [0.3, 1.2], var [0.9 + 0.4, 0.9 + 1.2] = [1.3, 2.1]. The output uses the biased variance:
     * [−2, 0, 2]/√(8/3 + eps) and [−2, −2, 4]/√(8 + eps).
     */
    @Test
    void trainingModeUpdatesRunningStatisticsLikePyTorch() {
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = new HashMap<>();
            p.put("bn.gamma", m.create(new float[] {1f, 1f}));
            p.put("bn.beta", m.create(new float[] {0f, 0f}));
            p.put("bn.running_mean", m.create(new float[] {0f, 0f}));
            p.put("bn.running_var", m.create(new float[] {1f, 1f}));
            NDArray x = m.create(new float[] {1, 10, 3, 10, 5, 16}, new Shape(3, 2));
            float[] y = RouterMlp.batchNorm(p, "bn", x, true).toFloatArray();
            assertArrayEquals(new float[] {-1.2247426f, -0.7071063f, 0f, -0.7071063f, 1.2247426f, 1.4142127f}, y, 1e-6f);
            assertArrayEquals(new float[] {0.3f, 1.2f}, p.get("bn.running_mean").toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {1.3f, 2.1f}, p.get("bn.running_var").toFloatArray(), 1e-6f);
            // inference afterwards reads those running statistics: (5 − 0.3)/√(1.3 + eps)
            float[] inf = RouterMlp.batchNorm(p, "bn", m.create(new float[] {5f, 1.2f}, new Shape(1, 2)), false).toFloatArray();
            assertEquals(4.7 / Math.sqrt(1.3 + 1e-5), inf[0], 1e-5);
            assertEquals(0f, inf[1], 1e-6f);
        }
    }
}
