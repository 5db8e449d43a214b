package dev.twin.core.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RouterTrainerTest {
    static final List<String> TASKS = List.of("red", "green", "blue");
    static final int D = 4;
    static final int PER_TASK = 200;

    static float[] features;
    static int[] labels;
    static RouterModel model;
    static final List<double[]> epochs = new ArrayList<>();

    /** Task t sits at 3·e_t in R^4 with N(0, 0.5²) noise: linearly separable in practice. */
    static void toyData(int perTask, long seed, float[] x, int[] y) {
        Random r = new Random(seed);
        for (int i = 0; i < perTask * TASKS.size(); i++) {
            int t = i % TASKS.size();
            y[i] = t;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) ((j == t ? 3.0 : 0.0) + 0.5 * r.nextGaussian());
            }
        }
    }

    static final RouterConfig CFG = new RouterConfig(5e-3, 64, 8, 0.2, 11);

    @BeforeAll
    static void train() {
        int n = PER_TASK * TASKS.size();
        features = new float[n * D];
        labels = new int[n];
        toyData(PER_TASK, 1, features, labels);
        model = RouterTrainer.train(features, labels, D, TASKS, CFG,
                (epoch, loss, acc) -> epochs.add(new double[] {epoch, loss, acc}));
    }

    @Test
    void reachesHighHeldOutAccuracyOnSeparableData() {
        assertTrue(model.heldOutAccuracy() >= 0.95, "held-out accuracy " + model.heldOutAccuracy());
        // and generalizes to fresh items from the same distributions
        int m = 100 * TASKS.size();
        float[] x = new float[m * D];
        int[] y = new int[m];
        toyData(100, 99, x, y);
        assertTrue(accuracy(model.logits(x, m), y) >= 0.95);
        assertEquals(TASKS, model.tasks());
        assertEquals(D, model.inputDim());
    }

    @Test
    void reportsTheHeldOutAccuracyOfTheKeptEpoch() {
        assertEquals(CFG.epochs(), epochs.size());
        double best = epochs.stream().mapToDouble(e -> e[2]).max().orElseThrow();
        assertEquals(best, model.heldOutAccuracy(), 0.0);
        // recompute it from the kept weights on the same seeded split
        StratifiedSplit split = StratifiedSplit.of(labels, TASKS.size(), CFG.holdout(), CFG.seed());
        int[] held = split.heldOut();
        float[] x = new float[held.length * D];
        int[] y = new int[held.length];
        for (int i = 0; i < held.length; i++) {
            System.arraycopy(features, held[i] * D, x, i * D, D);
            y[i] = labels[held[i]];
        }
        assertEquals(model.heldOutAccuracy(), accuracy(model.logits(x, held.length), y), 1e-12);
        // training lowered the loss
        assertTrue(epochs.get(epochs.size() - 1)[1] < epochs.get(0)[1], "loss did not decrease");
    }

    @Test
    void learnsBatchNormRunningStatistics() {
        float[] mean = model.weights().get("router.1.running_mean").data();
        float[] var = model.weights().get("router.1.running_var").data();
        assertEquals(2 * D, mean.length);
        assertTrue(maxAbs(mean) > 0.05, "running mean still at its initial 0");
        boolean varMoved = false;
        for (float v : var) {
            assertTrue(v > 0, "running var must stay positive");
            varMoved |= Math.abs(v - 1f) > 0.05;
        }
        assertTrue(varMoved, "running var still at its initial 1");
        assertEquals(4L * model.weights().numel(), model.bytes());
        // 2d·d + 2d + 4·2d + 2d·2d + 2d + 4·2d + T·2d + T, with d = 4, T = 3
        assertEquals(32 + 8 + 32 + 64 + 8 + 32 + 24 + 3, model.weights().numel());
    }

    @Test
    void stratifiedSplitHoldsOutTheFractionOfEveryTask() {
        StratifiedSplit s = StratifiedSplit.of(labels, 3, 0.2, 5);
        int[] perTask = new int[3];
        for (int i : s.heldOut()) {
            perTask[labels[i]]++;
        }
        assertArrayEquals(new int[] {40, 40, 40}, perTask);
        Set<Integer> all = new HashSet<>();
        for (int i : s.heldOut()) {
            all.add(i);
        }
        for (int i : s.train()) {
            assertTrue(all.add(i), "item " + i + " is in both parts");
        }
        assertEquals(labels.length, all.size());
        assertArrayEquals(s.heldOut(), StratifiedSplit.of(labels, 3, 0.2, 5).heldOut());
        assertFalse(Arrays.equals(s.heldOut(), StratifiedSplit.of(labels, 3, 0.2, 6).heldOut()));
        // a task with two items holds out one, a task with one item holds out none
        StratifiedSplit tiny = StratifiedSplit.of(new int[] {0, 0, 1}, 2, 0.2, 1);
        assertEquals(1, tiny.heldOut().length);
        assertEquals(2, tiny.train().length);
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouterTrainer.train(new float[7], new int[] {0, 1}, D, TASKS, CFG));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RouterTrainer.train(new float[8], new int[] {0, 3}, D, TASKS, CFG));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RouterConfig(5e-4, 1, 30, 0.2, 0));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RouterConfig(5e-4, 64, 30, 1.0, 0));
        assertTrue(e.getMessage().contains("holdout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.logits(new float[5], 2));
        assertTrue(e.getMessage().contains("[n=2, 4]") && e.getMessage().contains("5 floats"), e.getMessage());
    }

    @Test
    void defaultsFollowThePaper() {
        RouterConfig d = RouterConfig.defaults();
        assertEquals(5e-4, d.lr());
        assertEquals(1024, d.batch());
        assertEquals(30, d.epochs());
        assertEquals(0.2, d.holdout());
    }

    static double accuracy(float[][] logits, int[] y) {
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int t = 1; t < logits[i].length; t++) {
                if (logits[i][t] > logits[i][best]) {
                    best = t;
                }
            }
            correct += best == y[i] ? 1 : 0;
        }
        return (double) correct / y.length;
    }

    static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
