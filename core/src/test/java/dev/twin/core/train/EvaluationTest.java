package dev.twin.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Mlp;
import dev.twin.core.suite.Split;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private static final Mlp TINY = new Mlp(new ArchitectureSpec("mlp", List.of(2), List.of(2, 1)));

    // f = relu(−h0 + 2·h1 + 0.5), h = relu([x0 − x1, 0.5·x0 + 2·x1 − 1]); logits = [f, −2f + 1]
    private static WeightSet weights() {
        return new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {2, 2}, 1f, -1f, 0.5f, 2f))
                .put("trunk.0.bias", FloatTensor.of(new int[] {2}, 0f, -1f))
                .put("trunk.1.weight", FloatTensor.of(new int[] {1, 2}, -1f, 2f))
                .put("trunk.1.bias", FloatTensor.of(new int[] {1}, 0.5f))
                .put("head.t.weight", FloatTensor.of(new int[] {2, 1}, 1f, -2f))
                .put("head.t.bias", FloatTensor.of(new int[] {2}, 0f, 1f))
                .put("head.other.weight", FloatTensor.of(new int[] {3, 1}, 1f, 2f, 3f))
                .put("head.other.bias", FloatTensor.of(new int[] {3}, 0f, 0f, 0f));
    }

    @Test
    void predictionsAndAccuracyMatchHandComputation() {
        // (1, 2): f = 7.5 → class 0; (2, 0): h = [2, 0], f = 0 → logits [0, 1] → class 1; (−1, .5): f = .5 → class 0
        float[] rows = {1f, 2f, 2f, 0f, -1f, 0.5f};
        int[] labels = {0, 1, 1};
        int copies = 700; // 2100 rows: three inference batches of 1024, the last one partial
        float[] x = new float[rows.length * copies];
        int[] y = new int[3 * copies];
        int[] expected = new int[3 * copies];
        for (int c = 0; c < copies; c++) {
            System.arraycopy(rows, 0, x, c * rows.length, rows.length);
            System.arraycopy(labels, 0, y, c * 3, 3);
            System.arraycopy(new int[] {0, 1, 0}, 0, expected, c * 3, 3);
        }
        Split split = new Split(x, y, 3 * copies, 2);
        assertArrayEquals(expected, Evaluation.predict(TINY, weights(), "t", split));
        assertEquals(2.0 / 3.0, Evaluation.accuracy(TINY, weights(), "t", split), 1e-12);
    }

    @Test
    void logitsMatchHandComputationAcrossBatches() {
        // the rows above: logits [7.5, −14], [0, 1], [0.5, 0]; repeated past one inference batch of 1024
        float[] rows = {1f, 2f, 2f, 0f, -1f, 0.5f};
        float[][] expected = {{7.5f, -14f}, {0f, 1f}, {0.5f, 0f}};
        int copies = 400;
        float[] x = new float[rows.length * copies];
        for (int c = 0; c < copies; c++) {
            System.arraycopy(rows, 0, x, c * rows.length, rows.length);
        }
        try (ai.djl.ndarray.NDManager m = dev.twin.core.runtime.DjlRuntime.newManager()) {
            float[][] out = Evaluation.logits(TINY, dev.twin.core.model.Params.toNd(m, weights()), "t", x, 2, 3,
                    3 * copies - 3); // from row 3: skips the first copy
            assertEquals(3 * copies - 3, out.length);
            for (int i = 0; i < out.length; i++) {
                assertArrayEquals(expected[i % 3], out[i], 1e-6f, "row " + i);
            }
        }
    }

    @Test
    void emptySplitAndMissingHeadAreErrors() {
        Split empty = new Split(new float[0], new int[0], 0, 2);
        assertThrows(IllegalArgumentException.class, () -> Evaluation.accuracy(TINY, weights(), "t", empty));
        Split one = new Split(new float[2], new int[1], 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.accuracy(TINY, weights(), "nope", one));
        assertEquals(true, e.getMessage().contains("'nope'"), e.getMessage());
    }
}
