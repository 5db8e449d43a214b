package dev.twin.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BertTest {
    private static final BertConfig TINY = BertConfig.of(8, 2, 2, 16, 20, 10, 2, 1e-12);
    private static final int L = 6;
    private static final int[][] IDS = {{1, 5, 7, 2, 0, 0}, {1, 19, 3, 4, 11, 2}, {1, 2, 0, 0, 0, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}, {1, 1, 0, 0, 0, 0}};

    /** Every trunk tensor random N(0, 0.5²) (LayerNorm and biases too), so no parameter can be silently unused. */
    private static WeightSet randomTrunk(Bert bert, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        WeightSet w = new WeightSet();
        bert.trunkShapes().forEach((name, shape) -> {
            FloatTensor t = FloatTensor.zeros(shape);
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] = (float) (0.5 * rng.nextGaussian() + (name.contains("LayerNorm.weight") ? 1 : 0));
            }
            w.put(name, t);
        });
        return w;
    }

    private static float[][] rows(int[][] ids, int[][] mask) {
        float[][] r = new float[ids.length][2 * L];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < L; t++) {
                r[b][t] = ids[b][t];
                r[b][L + t] = mask[b][t];
            }
        }
        return r;
    }

    @Test
    void referenceErfMatchesTabulatedValues() {
        // erf(0.5), erf(1), erf(2), erf(3.5) from Abramowitz & Stegun table 7.1 / standard tables
        assertEquals(0.5204998778, ReferenceBert.erf(0.5), 1e-9);
        assertEquals(0.8427007929, ReferenceBert.erf(1.0), 1e-9);
        assertEquals(0.9953222650, ReferenceBert.erf(2.0), 1e-9);
        assertEquals(-0.9999992569, ReferenceBert.erf(-3.5), 1e-9);
    }

    @Test
    void forwardMatchesAPlainLoopImplementation() {
        Bert bert = Bert.of(TINY, L);
        WeightSet trunk = randomTrunk(bert, 3);
        ReferenceBert ref = new ReferenceBert(TINY, trunk);
        try (NDManager m = DjlRuntime.newManager()) {
            float[] f = bert.features(Params.toNd(m, trunk), m.create(rows(IDS, MASK))).toFloatArray();
            for (int b = 0; b < IDS.length; b++) {
                double[] expected = ref.features(IDS[b], MASK[b]);
                for (int j = 0; j < 8; j++) {
                    assertEquals(expected[j], f[b * 8 + j], 1e-4, "example " + b + " feature " + j);
                }
            }
        }
    }

    @Test
    void paddedPositionsDoNotChangeTheFeatures() {
        Bert bert = Bert.of(TINY, L);
        WeightSet trunk = randomTrunk(bert, 4);
        int[][] noisy = {{1, 5, 7, 2, 13, 17}, {1, 19, 3, 4, 11, 2}, {1, 2, 9, 9, 4, 18}};
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, trunk);
            float[] clean = bert.features(p, m.create(rows(IDS, MASK))).toFloatArray();
            float[] other = bert.features(p, m.create(rows(noisy, MASK))).toFloatArray();
            assertArrayEquals(clean, other, 1e-5f);
            // and the mask matters: unmasking the padding changes example 0
            int[][] full = {{1, 1, 1, 1, 1, 1}, MASK[1], MASK[2]};
            float[] unmasked = bert.features(p, m.create(rows(noisy, full))).toFloatArray();
            assertTrue(Math.abs(unmasked[0] - clean[0]) > 1e-3, "mask is ignored");
        }
    }

    @Test
    void gradientsFlowToEveryUsedParameter() {
        Bert bert = Bert.of(TINY, L);
        WeightSet trunk = randomTrunk(bert, 5);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, trunk);
            p.values().forEach(a -> a.setRequiresGradient(true));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(bert.features(p, m.create(rows(IDS, MASK))).square().sum());
            }
            float[] wordGrad = p.get("trunk.embeddings.word_embeddings.weight").getGradient().toFloatArray();
            // ids used under mask 1 (1, 2, 3, 4, 5, 7, 11, 19) get gradient; id 0 appears only as padding, 6 never
            assertTrue(rowNorm(wordGrad, 5) > 0 && rowNorm(wordGrad, 19) > 0, "used rows get gradient");
            assertEquals(0.0, rowNorm(wordGrad, 0), 0.0, "padding id 0 is masked everywhere");
            assertEquals(0.0, rowNorm(wordGrad, 6), 0.0, "unused id");
            for (String name : List.of("trunk.encoder.layer.1.attention.self.key.weight",
                    "trunk.encoder.layer.0.output.dense.weight", "trunk.embeddings.LayerNorm.bias")) {
                float[] g = p.get(name).getGradient().toFloatArray();
                double n = 0;
                for (float v : g) {
                    n += v * v;
                }
                assertTrue(n > 0, name + " has no gradient");
            }
        }
    }

    private static double rowNorm(float[] table, int row) {
        double n = 0;
        for (int j = 0; j < 8; j++) {
            n += table[row * 8 + j] * table[row * 8 + j];
        }
        return n;
    }

    @Test
    void specRoundTripsThroughTheRegistry() {
        Bert bert = Bert.of(TINY, L);
        assertEquals(List.of(2, L), bert.spec().inputShape());
        assertEquals(List.of(8, 2, 2, 16, 20, 10, 2, 12), bert.spec().hidden());
        Architecture again = Architectures.create(bert.spec());
        assertEquals(bert.trunkShapes().keySet(), again.trunkShapes().keySet());
        assertEquals(8, again.featureDim());
        assertTrue(Architectures.known().contains("bert"));
        // 5 embedding tensors + 16 per layer
        assertEquals(5 + 2 * 16, bert.trunkShapes().size());
        assertArrayEquals(new int[] {16, 8}, bert.trunkShapes().get("trunk.encoder.layer.1.intermediate.dense.weight"));
        assertArrayEquals(new int[] {8, 16}, bert.trunkShapes().get("trunk.encoder.layer.1.output.dense.weight"));
        WeightSet init = bert.initTrunk(1);
        assertEquals(bert.trunkShapes().keySet(), init.names());
        assertEquals(1f, init.get("trunk.encoder.layer.0.output.LayerNorm.weight").data()[3]);
        assertEquals(0f, init.get("trunk.encoder.layer.0.attention.self.query.bias").data()[3]);
    }

    @Test
    void logitsUseTheTaskHead() {
        Bert bert = Bert.of(TINY, L);
        WeightSet w = randomTrunk(bert, 6);
        bert.initHead("topic", 3, 7).asMap().forEach(w::put);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, w);
            NDArray x = m.create(rows(IDS, MASK));
            float[] f = bert.features(p, x).toFloatArray();
            float[] logits = bert.logits(p, "topic", x).toFloatArray();
            float[] hw = w.get("head.topic.weight").data();
            float[] hb = w.get("head.topic.bias").data();
            // logits[b][c] = Σ_j f[b][j]·W[c][j] + b[c]
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 3; c++) {
                    double s = hb[c];
                    for (int j = 0; j < 8; j++) {
                        s += f[b * 8 + j] * hw[c * 8 + j];
                    }
                    assertEquals(s, logits[b * 3 + c], 1e-4);
                }
            }
        }
    }

    @Test
    void badInputsFailClearly() {
        Bert bert = Bert.of(TINY, L);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, randomTrunk(bert, 1));
            int[][] bad = {{1, 25, 2, 0, 0, 0}};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bert.features(p, m.create(rows(bad, new int[][] {MASK[0]}))));
            assertTrue(e.getMessage().contains("token ids must be in [0, 20)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> bert.features(p, m.create(new float[2][7])));
            assertTrue(e.getMessage().contains("expected [batch, 12]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Bert(new ArchitectureSpec("bert", List.of(6), TINY.toSpec(L).hidden())));
        assertTrue(e.getMessage().contains("[2, sequence length]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TINY.toSpec(11));
        assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BertConfig.of(8, 1, 3, 16, 20, 10, 2, 1e-12));
        assertTrue(e.getMessage().contains("not a multiple of num_attention_heads 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BertConfig.of(8, 1, 2, 16, 20, 10, 2, 3e-7));
        assertTrue(e.getMessage().contains("not a power of ten"), e.getMessage());
    }
}
