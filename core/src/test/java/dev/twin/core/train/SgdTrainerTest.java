package dev.twin.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Mlp;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SgdTrainerTest {
    private static final Mlp SMALL = new Mlp(new ArchitectureSpec("mlp", List.of(3), List.of(4)));

    private static Split tinyData() {
        float[] x = {0.5f, -1f, 2f, 1f, 1f, -0.5f, -2f, 0.3f, 0.1f, 0.7f, -0.2f, -1.5f, 1.2f, 0.4f, 0.9f, -0.3f, 2f,
            1f};
        return new Split(x, new int[] {0, 1, 2, 1, 0, 2}, 6, 3);
    }

    private static WeightSet init() {
        WeightSet w = SMALL.initTrunk(1);
        SMALL.initHead("t", 3, 2).asMap().forEach(w::put);
        return w;
    }

    @Test
    void fullBatchMomentumSgdMatchesAHandWrittenBackprop() {
        TrainConfig cfg = new TrainConfig(0.1, 0.9, 8, 4, 3);
        WeightSet start = init();
        WeightSet djl = new SgdTrainer(cfg, false).train(SMALL, start, n -> true, "t", tinyData());
        WeightSet ref = ReferenceMlp.train(start, tinyData(), 3, cfg, true);
        for (String n : start.names()) {
            assertClose(ref.get(n), djl.get(n), n);
            assertNotEquals(start.get(n), djl.get(n), n + " must have moved");
        }
    }

    @Test
    void frozenParametersStayExactlyAndTheRestFollowsTheReference() {
        TrainConfig cfg = new TrainConfig(0.2, 0.5, 6, 3, 9);
        WeightSet start = init();
        WeightSet djl = new SgdTrainer(cfg, false).train(SMALL, start, n -> n.startsWith("head."), "t", tinyData());
        WeightSet ref = ReferenceMlp.train(start, tinyData(), 3, cfg, false);
        assertEquals(start.get("trunk.0.weight"), djl.get("trunk.0.weight"));
        assertEquals(start.get("trunk.0.bias"), djl.get("trunk.0.bias"));
        assertClose(ref.get("head.t.weight"), djl.get("head.t.weight"), "head.t.weight");
        assertClose(ref.get("head.t.bias"), djl.get("head.t.bias"), "head.t.bias");
    }

    @Test
    void learnsASeparableProblemDeterministically() {
        int n = 300;
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 3; j++) {
                // class c sits around +2 on axis c
                x[i * 3 + j] = (float) (rng.nextGaussian() * 0.5 + (j == y[i] ? 2 : 0));
            }
        }
        Split data = new Split(x, y, n, 3);
        TrainConfig cfg = new TrainConfig(0.05, 0.9, 16, 6, 7);
        WeightSet start = init();
        double before = Evaluation.accuracy(SMALL, start, "t", data);
        WeightSet a = new SgdTrainer(cfg, false).train(SMALL, start, s -> true, "t", data);
        WeightSet b = new SgdTrainer(cfg, false).train(SMALL, start, s -> true, "t", data);
        WeightSet c = new SgdTrainer(cfg.withSeed(8), false).train(SMALL, start, s -> true, "t", data);
        double after = Evaluation.accuracy(SMALL, a, "t", data);
        assertTrue(after > 0.95 && after > before + 0.3, "accuracy " + before + " -> " + after);
        for (String s : a.names()) {
            assertEquals(a.get(s), b.get(s), "same seed, same weights: " + s);
        }
        assertNotEquals(a.get("trunk.0.weight"), c.get("trunk.0.weight"), "another seed shuffles differently");
    }

    @Test
    void lossFallsOverEpochs() {
        TrainConfig cfg = new TrainConfig(0.05, 0.9, 2, 5, 1);
        double[] loss;
        try (NDManager m = DjlRuntime.newManager()) {
            loss = new SgdTrainer(cfg, false).trainInPlace(SMALL, Params.toNd(m, init()), n -> true, "t", tinyData());
        }
        assertEquals(5, loss.length);
        assertTrue(loss[4] < loss[0] * 0.7, "loss " + java.util.Arrays.toString(loss));
    }

    @Test
    void badInputsAreNamed() {
        SgdTrainer t = new SgdTrainer(new TrainConfig(0.1, 0, 4, 1, 0), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.train(SMALL, init(), n -> true, "other", tinyData()));
        assertTrue(e.getMessage().contains("head.other.weight"), e.getMessage());
        Split badLabel = new Split(new float[3], new int[] {3}, 1, 3);
        e = assertThrows(IllegalArgumentException.class, () -> t.train(SMALL, init(), n -> true, "t", badLabel));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("'t'"), e.getMessage());
        Split wrongDim = new Split(new float[4], new int[] {0}, 1, 4);
        e = assertThrows(IllegalArgumentException.class, () -> t.train(SMALL, init(), n -> true, "t", wrongDim));
        assertTrue(e.getMessage().contains("4 inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0.1, 1.0, 4, 1, 0));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
    }

    private static void assertClose(FloatTensor expected, FloatTensor actual, String name) {
        assertEquals(List.of(expected.shapeString()), List.of(actual.shapeString()), name);
        for (int i = 0; i < expected.numel(); i++) {
            assertEquals(expected.data()[i], actual.data()[i], 1e-4, name + "[" + i + "]");
        }
    }
}
