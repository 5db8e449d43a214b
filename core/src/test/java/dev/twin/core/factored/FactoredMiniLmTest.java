package dev.twin.core.factored;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bert.MiniLm;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Bert;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Real MiniLM weights (the shared expert) and real tokenized text, with rank-4 exclusive experts on every matrix (the
 * 30522-row word embedding included) and dense ones on every bias and LayerNorm: the factored features of a batch
 * whose rows all have different w equal, row by row, the features over θ(w) materialized for that row.
 */
class FactoredMiniLmTest {
    private static final int L = 16;
    private static final List<String> TASKS = List.of("a", "b", "c");

    @Test
    void miniLmRowsEqualTheirMaterializedEncoders() {
        Path dir = MiniLm.dir();
        Bert bert = Bert.of(BertCheckpoint.config(dir), L);
        WeightSet trunk = BertCheckpoint.trunk(dir);
        Modularized m = withExperts(trunk);
        List<String> texts = List.of("The cat chased a mouse across the old barn.",
                "Compile the module with optimisation flags and run the tests.",
                "Heavy rain is expected tonight over the northern hills, with strong winds.");
        float[][] rows;
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), L)) {
            rows = tok.encode(texts).rows();
        }
        float[][] w = {{1, 0, 0}, {0.2f, 0.7f, 0.1f}, {-0.3f, 0.4f, 0.9f}};
        int n = rows.length;
        float[] x = new float[n * 2 * L];
        float[] wFlat = new float[n * TASKS.size()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, x, i * 2 * L, 2 * L);
            System.arraycopy(w[i], 0, wFlat, i * TASKS.size(), TASKS.size());
        }
        try (FactoredExperts fx = new FactoredExperts(m);
             Materializer mat = new Materializer(m);
             NDManager nd = DjlRuntime.newManager()) {
            float[] factored = bert.features(fx.layers(nd.create(wFlat, new Shape(n, TASKS.size()))),
                    nd.create(x, new Shape(n, 2 * L))).toFloatArray();
            float[] shared = bert.features(fx.shared(), nd.create(x, new Shape(n, 2 * L))).toFloatArray();
            int h = bert.featureDim();
            double scale = 0;
            double diff = 0;
            double moved = 0;
            for (int i = 0; i < n; i++) {
                try (NDManager row = nd.newSubManager()) {
                    Map<String, NDArray> theta = mat.materialize(row, w[i]);
                    float[] expected = bert.features(theta, row.create(Arrays.copyOfRange(x, i * 2 * L,
                            (i + 1) * 2 * L), new Shape(1, 2 * L))).toFloatArray();
                    for (int j = 0; j < h; j++) {
                        scale = Math.max(scale, Math.abs(expected[j]));
                        diff = Math.max(diff, Math.abs(expected[j] - factored[i * h + j]));
                        moved = Math.max(moved, Math.abs(expected[j] - shared[i * h + j]));
                    }
                }
            }
            // the experts move the features well beyond the tolerance, so the comparison has teeth
            assertTrue(moved > 100 * 1e-4 * scale, "experts barely change the features: " + moved);
            assertTrue(diff <= 1e-4 * scale, "max |factored − materialized| = " + diff + " for features up to "
                    + scale);
        }
    }

    /** θ* = MiniLM; v̂t rank 4 on every matrix (entries of ΔW ~ 0.02), dense N(0, 0.02²) on rank-1 tensors. */
    private static Modularized withExperts(WeightSet trunk) {
        Map<String, Map<String, CompressedTensor>> ex = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
            SplittableRandom rnd = new SplittableRandom(40 + t);
            Map<String, CompressedTensor> parts = new LinkedHashMap<>();
            for (String name : trunk.names()) {
                FloatTensor s = trunk.get(name);
                if (s.rank() == 1) {
                    parts.put(name, new Dense(new FloatTensor(s.shape(), gauss(rnd, s.numel(), 0.02))));
                } else {
                    int rows = s.shape()[0];
                    int cols = s.numel() / rows;
                    int r = 4;
                    // U, V ~ N(0, 1), s ~ N(0, 0.01²): ΔW_ij = Σk U_ik s_k V_jk has sd ≈ 0.02 over r = 4 terms
                    parts.put(name, new LowRank(s.shape(), rows, cols, r, gauss(rnd, rows * r, 1),
                            gauss(rnd, r, 0.01), gauss(rnd, cols * r, 1)));
                }
            }
            ex.put(TASKS.get(t), parts);
        }
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        TASKS.forEach(t -> heads.put(t, new WeightSet()));
        return new Modularized(TASKS, trunk, ex, heads);
    }

    private static float[] gauss(SplittableRandom rnd, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (sd * rnd.nextGaussian());
        }
        return v;
    }
}
