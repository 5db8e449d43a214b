package dev.twin.core.merge;

import static dev.twin.core.merge.Sets.row;
import static dev.twin.core.merge.Sets.ws;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DareTest {
    private static final int N = 100_000;

    /** τ_i = 1 + (i mod 7): every value 1..7 occurs ~N/7 times. */
    private static FloatTensor ramp() {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = 1 + (i % 7);
        }
        return FloatTensor.of(new int[] {100, 1000}, v);
    }

    @Test
    void densityOneIsTaskArithmetic() {
        WeightSet base = ws("a", row(1, 2, 3), "b", row(0.5f, -1));
        List<WeightSet> ex = List.of(ws("a", row(2, 0, 3.5f), "b", row(1, 1)), ws("a", row(-1, 2, 4), "b", row(0, -3)));
        MergeOptions o = MergeOptions.defaults().withDensity(1.0).withLambda(0.7).withSeed(42);
        WeightSet ta = new TaskArithmetic().merge(base, ex, o);
        WeightSet dare = new DareTa().merge(base, ex, o);
        for (String n : List.of("a", "b")) {
            assertArrayEquals(ta.get(n).data(), dare.get(n).data(), 0f, n);
        }
        WeightSet ties = new Ties().merge(base, ex, o);
        WeightSet dareTies = new DareTies().merge(base, ex, o);
        for (String n : List.of("a", "b")) {
            assertArrayEquals(ties.get(n).data(), dareTies.get(n).data(), 0f, n);
        }
    }

    @Test
    void keepsAboutDensityAndRescalesToKeepTheExpectation() {
        double density = 0.3;
        WeightSet base = ws("w", FloatTensor.zeros(100, 1000));
        WeightSet out = new DareTa().merge(base, List.of(ws("w", ramp())),
                MergeOptions.defaults().withDensity(density).withSeed(7));
        float[] r = out.get("w").data();
        int kept = 0;
        double[] sumByValue = new double[8];
        for (int i = 0; i < N; i++) {
            float original = 1 + (i % 7);
            if (r[i] != 0f) {
                kept++;
                assertEquals(original / density, r[i], 1e-5 * original / density, "kept entries are τ/density");
            }
            sumByValue[(int) original] += r[i];
        }
        // kept fraction ~ Binomial(N, 0.3)/N: sd = sqrt(0.3·0.7/N) ≈ 0.00145; allow 5 sd
        assertEquals(density, kept / (double) N, 0.0075);
        // E[τ̃] = τ: each value v (≈14286 entries) averages to v; sd of the mean ≈ v·sqrt((1/0.3 − 1)/14286) ≈ 0.0128·v
        for (int v = 1; v <= 7; v++) {
            int count = N / 7 + (v - 1 < N % 7 ? 1 : 0);
            assertEquals(v, sumByValue[v] / count, 0.064 * v, "mean of rescaled entries with value " + v);
        }
    }

    @Test
    void defaultDensityIsHalf() {
        WeightSet out = new DareTa().merge(ws("w", FloatTensor.zeros(100, 1000)), List.of(ws("w", ramp())),
                MergeOptions.defaults());
        long kept = 0;
        for (float x : out.get("w").data()) {
            kept += x != 0f ? 1 : 0;
        }
        assertEquals(0.5, kept / (double) N, 0.008); // 5 sd of Binomial(N, 0.5)/N
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResult() {
        WeightSet base = ws("w", FloatTensor.zeros(100, 1000));
        List<WeightSet> ex = List.of(ws("w", ramp()));
        MergeOptions o = MergeOptions.defaults().withSeed(3);
        float[] first = new DareTa().merge(base, ex, o).get("w").data();
        float[] again = new DareTa().merge(base, ex, o).get("w").data();
        float[] other = new DareTa().merge(base, ex, o.withSeed(4)).get("w").data();
        assertArrayEquals(first, again, 0f);
        assertFalse(Arrays.equals(first, other));
    }

    @Test
    void tensorOrderDoesNotChangeTheMasks() {
        FloatTensor a = ramp();
        FloatTensor b = FloatTensor.of(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        WeightSet baseAb = ws("a", FloatTensor.zeros(100, 1000), "b", FloatTensor.zeros(2, 3));
        WeightSet baseBa = ws("b", FloatTensor.zeros(2, 3), "a", FloatTensor.zeros(100, 1000));
        MergeOptions o = MergeOptions.defaults().withSeed(11);
        for (MergeMethod m : List.of(new DareTa(), new DareTies())) {
            WeightSet ab = m.merge(baseAb, List.of(ws("a", a, "b", b), ws("a", b(a), "b", b)), o);
            WeightSet ba = m.merge(baseBa, List.of(ws("b", b, "a", a), ws("b", b, "a", b(a))), o);
            assertArrayEquals(ab.get("a").data(), ba.get("a").data(), 0f, m.name());
            assertArrayEquals(ab.get("b").data(), ba.get("b").data(), 0f, m.name());
        }
    }

    /** A second expert: τ negated on odd positions. */
    private static FloatTensor b(FloatTensor a) {
        float[] v = a.data().clone();
        for (int i = 1; i < v.length; i += 2) {
            v[i] = -v[i];
        }
        return FloatTensor.of(a.shape(), v);
    }

    @Test
    void masksDifferBetweenExpertsAndBetweenTensors() {
        FloatTensor ones = FloatTensor.of(new int[] {1000}, filled(1000, 1f));
        List<WeightSet> taus = List.of(ws("x", ones, "y", ones), ws("x", ones, "y", ones));
        List<WeightSet> dropped = Dare.dropAndRescale(taus, 0.5, 5);
        float[] e0x = dropped.get(0).get("x").data();
        assertFalse(Arrays.equals(e0x, dropped.get(1).get("x").data()), "experts 0 and 1 share a mask");
        assertFalse(Arrays.equals(e0x, dropped.get(0).get("y").data()), "tensors x and y share a mask");
        assertTrue(Arrays.equals(e0x, Dare.dropAndRescale(ones, 0.5, Dare.seedFor(5, 0, "x")).data()));
    }

    @Test
    void keptIndicesAreAscendingAndDensityOneKeepsAll() {
        int[] all = Dare.keptIndices(500, 1.0, 9);
        assertEquals(500, all.length);
        int[] some = Dare.keptIndices(10_000, 0.25, 9);
        for (int i = 1; i < some.length; i++) {
            assertTrue(some[i] > some[i - 1]);
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
