package dev.twin.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressorsTest {

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    private static FloatTensor random(long seed, int... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        Random rng = new Random(seed);
        for (int i = 0; i < t.numel(); i++) {
            t.data()[i] = (float) rng.nextGaussian();
        }
        return t;
    }

    @Test
    void registry() {
        assertEquals(List.of("none", "svd", "magnitude", "bernoulli"), Compressors.names());
        for (String n : Compressors.names()) {
            assertEquals(n, Compressors.byName(n).name());
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Compressors.byName("pca")),
                "'pca'", "none", "svd", "magnitude", "bernoulli");
    }

    @Test
    void optionsAreValidated() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new CompressOptions(0, null, 0)), "rank", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new CompressOptions(null, 0.0, 0)),
                "density", "(0, 1]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new CompressOptions(null, 1.01, 0)), "1.01");
        FloatTensor m = random(1, 4, 4);
        CompressOptions empty = new CompressOptions(null, null, 0);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new SvdCompressor().compress(m, empty)),
                "svd", "rank", "density");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new MagnitudeCompressor().compress(m, empty)),
                "magnitude", "density");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new BernoulliCompressor().compress(m, empty)),
                "bernoulli", "density");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new MagnitudeCompressor().compress(m, new CompressOptions(2, 0.5, 0))), "not a rank");
        FloatTensor bad = FloatTensor.of(new int[] {2, 2}, 1, 2, Float.POSITIVE_INFINITY, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SvdCompressor().compress(bad, new CompressOptions(1, null, 0).forTensor("fc.weight")));
        assertMessage(e, "'fc.weight'", "Infinity", "index 2");
        assertEquals(new Dense(m), new NoCompression().compress(m, empty)); // none needs nothing
    }

    @Test
    void rankOneTensorsStayDense() {
        FloatTensor bias = FloatTensor.of(new int[] {5}, 1, -2, 3, -4, 5);
        List<CompressOptions> opts = List.of(new CompressOptions(1, null, 0), new CompressOptions(null, 0.2, 0),
                new CompressOptions(null, 0.2, 0));
        List<Compressor> cs = List.of(new SvdCompressor(), new MagnitudeCompressor(), new BernoulliCompressor());
        for (int i = 0; i < cs.size(); i++) {
            CompressedTensor c = cs.get(i).compress(bias, opts.get(i));
            assertInstanceOf(Dense.class, c, cs.get(i).name());
            assertEquals(bias, c.toDense(), cs.get(i).name());
            assertEquals(20L, c.storedBytes());
        }
    }

    @Test
    void svdRankRule() {
        FloatTensor m = random(3, 10, 6);
        SvdCompressor svd = new SvdCompressor();
        assertEquals(3, ((LowRank) svd.compress(m, new CompressOptions(null, 0.5, 0))).r()); // floor(0.5·6)
        assertEquals(1, ((LowRank) svd.compress(m, new CompressOptions(null, 0.1, 0))).r()); // max(1, floor(0.6))
        assertEquals(4, ((LowRank) svd.compress(m, new CompressOptions(4, null, 0))).r());
        assertEquals(2, ((LowRank) svd.compress(m, new CompressOptions(2, 0.9, 0))).r()); // rank wins
        assertEquals(6, ((LowRank) svd.compress(m, new CompressOptions(50, null, 0))).r()); // capped at min(m, n)
        FloatTensor big = random(4, 100, 200);
        assertEquals(29, ((LowRank) svd.compress(big, new CompressOptions(null, 0.29, 0))).r()); // floor(0.29·100)
    }

    @Test
    void exactOrRandomizedThreshold() {
        assertTrue(SvdCompressor.useExact(256, 100_000));
        assertTrue(SvdCompressor.useExact(100_000, 256));
        assertFalse(SvdCompressor.useExact(257, 257));
    }

    @Test
    void randomizedPathRecoversALowRankMatrix() {
        // 300×280 (randomized path) of exact rank 2: a·bᵀ + c·dᵀ reconstructs to float precision at rank 2
        int m = 300;
        int n = 280;
        float[] x = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                x[i * n + j] = (float) (Math.sin(i + 1) * Math.cos(0.5 * j) + 0.5 * Math.cos(0.3 * i) * ((j % 3) - 1));
            }
        }
        FloatTensor t = FloatTensor.of(new int[] {m, n}, x);
        LowRank l = (LowRank) new SvdCompressor().compress(t, new CompressOptions(2, null, 5));
        assertArrayEquals(x, l.toDense().data(), 2e-4f);
    }

    /*
     * Kernel [4,2,3,3] viewed as [4,18]: K = a·bᵀ + c·dᵀ with a = (4,2,1,2) (|a| = 5), b = 1 (|b| = √18),
     * c = (−1,2,0,0) ⟂ a (|c| = √5), d_j = (−1)^j ⟂ b, j = i·9 + h·3 + w. So σ = (5√18, √90), u1 = a/5, v1 = 1/√18,
     * u2 = c/√5 (largest entry 2 > 0), v2 = d/√18; K[o,i,h,w] = a_o + c_o·(−1)^(i·9+h·3+w); rank 1 gives a_o.
     */
    @Test
    void convKernelUsesTheOutByRestView() {
        float[] a = {4, 2, 1, 2};
        float[] c = {-1, 2, 0, 0};
        float[] k = new float[4 * 2 * 3 * 3];
        float[] rank1 = new float[k.length];
        for (int o = 0; o < 4; o++) {
            for (int i = 0; i < 2; i++) {
                for (int h = 0; h < 3; h++) {
                    for (int w = 0; w < 3; w++) {
                        int flat = ((o * 2 + i) * 3 + h) * 3 + w;
                        int j = i * 9 + h * 3 + w;
                        k[flat] = a[o] + c[o] * (j % 2 == 0 ? 1 : -1);
                        rank1[flat] = a[o];
                    }
                }
            }
        }
        FloatTensor kernel = FloatTensor.of(new int[] {4, 2, 3, 3}, k);
        LowRank two = (LowRank) new SvdCompressor().compress(kernel, new CompressOptions(2, null, 0));
        assertEquals(4, two.m());
        assertEquals(18, two.n());
        assertArrayEquals(new int[] {4, 2, 3, 3}, two.shape());
        assertArrayEquals(new float[] {(float) (5 * Math.sqrt(18)), (float) Math.sqrt(90)}, two.s(), 1e-4f);
        float inv = (float) (1 / Math.sqrt(18));
        for (int j = 0; j < 18; j++) {
            assertEquals(inv, two.v()[j * 2], 1e-5f, "v1[" + j + "]");
            assertEquals((j % 2 == 0 ? 1 : -1) * inv, two.v()[j * 2 + 1], 1e-5f, "v2[" + j + "]");
        }
        FloatTensor back = two.toDense();
        assertArrayEquals(new int[] {4, 2, 3, 3}, back.shape());
        assertArrayEquals(k, back.data(), 1e-5f);
        LowRank one = (LowRank) new SvdCompressor().compress(kernel, new CompressOptions(1, null, 0));
        assertArrayEquals(rank1, one.toDense().data(), 1e-5f);
        assertEquals(4L * (4 + 1 + 18), one.storedBytes());
    }

    @Test
    void magnitudeKeepsTheLargestFloorDensityN() {
        // v_i = i − 50 on [10, 10]: |.| = 50 at 0; 49..36 at (1..14) and (99..86)
        float[] v = new float[100];
        for (int i = 0; i < 100; i++) {
            v[i] = i - 50;
        }
        FloatTensor t = FloatTensor.of(new int[] {10, 10}, v);
        Sparse s29 = (Sparse) new MagnitudeCompressor().compress(t, new CompressOptions(null, 0.29, 0));
        // floor(0.29·100) = 29 → |.| ≥ 36: indices 0..14 and 86..99
        int[] expected29 = new int[29];
        for (int i = 0; i < 15; i++) {
            expected29[i] = i;
        }
        for (int i = 0; i < 14; i++) {
            expected29[15 + i] = 86 + i;
        }
        assertArrayEquals(expected29, s29.indices());
        // 28: |36| is shared by 14 and 86, the lower index wins → 0..14 and 87..99
        Sparse s28 = (Sparse) new MagnitudeCompressor().compress(t, new CompressOptions(null, 0.28, 0));
        assertArrayEquals(Arrays.stream(expected29).filter(i -> i != 86).toArray(), s28.indices());
        for (int j = 0; j < s28.indices().length; j++) {
            assertEquals(s28.indices()[j] - 50, s28.values()[j], 0f);
        }
        FloatTensor dense = s28.toDense();
        assertEquals(-50, dense.data()[0], 0f);
        assertEquals(0, dense.data()[86], 0f);
        assertEquals(49, dense.data()[99], 0f);
        assertEquals(8L * 28, s28.storedBytes());
        // floor(0.005·100) = 0: nothing kept
        assertEquals(0, ((Sparse) new MagnitudeCompressor().compress(t, new CompressOptions(null, 0.005, 0))).indices().length);
    }

    @Test
    void bernoulliKeepsAboutDensityAndRescales() {
        int n = 100_000;
        FloatTensor v = FloatTensor.zeros(100, 1000);
        for (int i = 0; i < n; i++) {
            v.data()[i] = 1 + (i % 5); // 1..5, mean 3
        }
        double density = 0.2;
        CompressOptions o = new CompressOptions(null, density, 17).forTensor("layer.weight");
        Sparse s = (Sparse) new BernoulliCompressor().compress(v, o);
        // kept fraction ~ Binomial(n, 0.2)/n, sd ≈ 0.00126: allow 5 sd
        assertEquals(density, s.indices().length / (double) n, 0.0064);
        double sum = 0;
        for (int j = 0; j < s.indices().length; j++) {
            float original = 1 + (s.indices()[j] % 5);
            assertEquals(original / density, s.values()[j], 1e-5 * original / density);
            sum += s.values()[j];
        }
        // E[mean v̂] = mean v = 3; sd of the mean ≈ sqrt(E[v²]·(1/0.2 − 1)/n) = sqrt(11·4/1e5) ≈ 0.021
        assertEquals(3.0, sum / n, 0.105);
        assertEquals(s, new BernoulliCompressor().compress(v, o), "same seed and name, same mask");
        assertFalse(s.equals(new BernoulliCompressor().compress(v, o.forTensor("other.weight"))), "names differ");
        assertFalse(s.equals(new BernoulliCompressor().compress(v, o.withSeed(18))), "seeds differ");
    }

    @Test
    void storedBytesOfEachForm() {
        assertEquals(48L, new Dense(FloatTensor.zeros(3, 4)).storedBytes()); // 12 floats
        LowRank l = new LowRank(new int[] {3, 4}, 3, 4, 2, new float[6], new float[2], new float[8]);
        assertEquals(64L, l.storedBytes()); // (3·2 + 2 + 4·2) floats
        Sparse s = new Sparse(new int[] {3, 4}, new int[] {0, 2, 5, 7, 11}, new float[5]);
        assertEquals(40L, s.storedBytes()); // 5 indices + 5 values
    }

    @Test
    void formsRejectInconsistentData() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Sparse(new int[] {2, 2}, new int[] {1, 1}, new float[2])), "ascending");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Sparse(new int[] {2, 2}, new int[] {4}, new float[1])), "range");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Sparse(new int[] {2, 2}, new int[] {1}, new float[2])), "1 indices but 2 values");
        assertThrows(IllegalArgumentException.class,
                () -> new LowRank(new int[] {3, 4}, 3, 4, 2, new float[5], new float[2], new float[8]));
        assertThrows(IllegalArgumentException.class,
                () -> new LowRank(new int[] {12}, 3, 4, 1, new float[3], new float[1], new float[4]));
    }

    @Test
    void lowRankToDenseIsUDiagSVt() {
        // u = [[1,0],[0,2],[1,1]], s = [2, 3], v = [[1,1],[0,1]] → A[i,j] = Σk u[i,k]·s[k]·v[j,k]
        // row0: [2·1 + 0, 0 + 0] = [2, 0]; row1: [0 + 2·3·1, 0 + 2·3·1] = [6, 6]; row2: [2 + 3, 0 + 3] = [5, 3]
        LowRank l = new LowRank(new int[] {3, 2}, 3, 2, 2, new float[] {1, 0, 0, 2, 1, 1}, new float[] {2, 3},
                new float[] {1, 1, 0, 1});
        assertArrayEquals(new float[] {2, 0, 6, 6, 5, 3}, l.toDense().data(), 0f);
    }

    @Test
    void svdOfAnExactlyZeroTensorIsZero() {
        // large enough for the randomized path, whose QR cannot orthonormalize a zero sketch
        FloatTensor zero = FloatTensor.zeros(new int[] {600, 300});
        CompressedTensor c = new SvdCompressor().compress(zero, new CompressOptions(16, null, 0));
        assertInstanceOf(LowRank.class, c);
        for (float v : c.toDense().data()) {
            assertEquals(0f, v);
        }
    }
}
