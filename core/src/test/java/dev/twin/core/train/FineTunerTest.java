package dev.twin.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Mlp;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FineTunerTest {
    private static final Mlp TINY = new Mlp(new ArchitectureSpec("mlp", List.of(2), List.of(2, 1)));

    private static WeightSet weights() {
        return new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {2, 2}, 1f, -1f, 0.5f, 2f))
                .put("trunk.0.bias", FloatTensor.of(new int[] {2}, 0f, -1f))
                .put("trunk.1.weight", FloatTensor.of(new int[] {1, 2}, -1f, 2f))
                .put("trunk.1.bias", FloatTensor.of(new int[] {1}, 0.5f))
                .put("head.t.weight", FloatTensor.of(new int[] {2, 1}, 1f, -2f))
                .put("head.t.bias", FloatTensor.of(new int[] {2}, 0f, 1f));
    }

    private static final Split DATA = new Split(new float[] {1f, 2f, -1f, 0.5f, 0.3f, 1f, 2f, -0.5f},
            new int[] {0, 1, 1, 0}, 4, 2);

    @Test
    void aNonFiniteLossStopsTheRunWithTheReasonBeforeAnyWeightIsUpdated() {
        // what a diverged run produces (text-6 at lr 3e-4: NaN logits on fortune-topic), here forced by one input
        // row at +∞: 1·∞ − 1·∞ in the first layer gives NaN, so the very first step's loss is NaN
        Split poisoned = new Split(new float[] {1f, 2f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
                new int[] {0, 1}, 2, 2);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, weights());
            IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                    new FineTuner(new AdamWConfig(1e-2, 0, 2, 3, 0, 1), false)
                            .train(TINY, p, p, UnaryOperator.identity(), "t", poisoned));
            assertTrue(e.getMessage().startsWith("task 't': the training loss became NaN at step 1 of 3"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
            WeightSet after = Params.fromNd(p);
            for (String name : weights().names()) {
                assertArrayEquals(weights().get(name).data(), after.get(name).data(), name + " was updated");
            }
        }
    }

    @Test
    void anOrdinaryRunReturnsOneFiniteLossPerEpoch() {
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, weights());
            double[] losses = new FineTuner(new AdamWConfig(1e-2, 0, 2, 3, 0, 1), false)
                    .train(TINY, p, p, UnaryOperator.identity(), "t", DATA);
            assertEquals(3, losses.length);
            for (double l : losses) {
                assertTrue(Double.isFinite(l) && l > 0, "epoch loss " + l);
            }
        }
    }
}
