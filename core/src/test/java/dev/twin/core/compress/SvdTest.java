package dev.twin.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

class SvdTest {

    private static FloatTensor matrix(int m, int n, float... v) {
        return FloatTensor.of(new int[] {m, n}, v);
    }

    @Test
    void diagonalMatrix() {
        // diag(4, 3): s = [4, 3], U = V = I
        LowRankFactors f = Svd.exact(matrix(2, 2, 4, 0, 0, 3), 2);
        assertArrayEquals(new float[] {4, 3}, f.s(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 1}, f.u(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 1}, f.v(), 1e-6f);
    }

    @Test
    void singularValuesComeSortedAndSignsFollowTheConvention() {
        // [[3, 0], [0, −4]]: σ1 = 4 with u1 = e2 (made positive) and v1 = Aᵀu1/4 = (0, −1); σ2 = 3 with u2 = v2 = e1
        LowRankFactors f = Svd.exact(matrix(2, 2, 3, 0, 0, -4), 2);
        assertArrayEquals(new float[] {4, 3}, f.s(), 1e-6f);
        // u row-major 2×2: rows are (u1[i], u2[i])
        assertArrayEquals(new float[] {0, 1, 1, 0}, f.u(), 1e-6f);
        assertArrayEquals(new float[] {0, 1, -1, 0}, f.v(), 1e-6f);
    }

    /*
     * A = Q1[:, :2] diag(5, 2) Q2ᵀ with Q1 = (1/7)[[2,3,6],[3,−6,2],[6,2,−3]] and Q2 = [[0.6,−0.8],[0.8,0.6]]:
     * 5·c1·v1ᵀ = (1/7)[[6,8],[9,12],[18,24]], 2·c2·v2ᵀ = (1/7)[[−4.8,3.6],[9.6,−7.2],[−3.2,2.4]],
     * A = (1/35)[[6,58],[93,24],[74,132]] (‖A‖² = 29 = 25 + 4).
     * Convention: c1 = (2,3,6)/7 has its largest entry positive; c2 = (3,−6,2)/7 does not, so u2 = (−3,6,−2)/7 and
     * v2 = −(−0.8, 0.6) = (0.8, −0.6).
     */
    private static final float[] A = {6 / 35f, 58 / 35f, 93 / 35f, 24 / 35f, 74 / 35f, 132 / 35f};

    @Test
    void productOfHandChosenOrthogonalMatrices() {
        LowRankFactors f = Svd.exact(matrix(3, 2, A), 2);
        assertEquals(3, f.m());
        assertEquals(2, f.n());
        assertArrayEquals(new float[] {5, 2}, f.s(), 1e-5f);
        assertArrayEquals(new float[] {2 / 7f, -3 / 7f, 3 / 7f, 6 / 7f, 6 / 7f, -2 / 7f}, f.u(), 1e-5f);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0.8f, -0.6f}, f.v(), 1e-5f);
    }

    @Test
    void wideMatrixIsTheTranspose() {
        float[] at = {A[0], A[2], A[4], A[1], A[3], A[5]};
        LowRankFactors f = Svd.exact(matrix(2, 3, at), 2);
        assertArrayEquals(new float[] {5, 2}, f.s(), 1e-5f);
        // u1 = (0.6, 0.8) with v1 = c1; u2 = ±(−0.8, 0.6) made positive at −0.8 → (0.8, −0.6), v2 = −c2
        assertArrayEquals(new float[] {0.6f, 0.8f, 0.8f, -0.6f}, f.u(), 1e-5f);
        assertArrayEquals(new float[] {2 / 7f, -3 / 7f, 3 / 7f, 6 / 7f, 6 / 7f, -2 / 7f}, f.v(), 1e-5f);
    }

    @Test
    void rankOneTruncationKeepsTheTopTriplet() {
        LowRank l = LowRank.of(new int[] {3, 2}, Svd.exact(matrix(3, 2, A), 1));
        // 5·c1·v1ᵀ = (1/7)[[6,8],[9,12],[18,24]]
        assertArrayEquals(new float[] {6 / 7f, 8 / 7f, 9 / 7f, 12 / 7f, 18 / 7f, 24 / 7f}, l.toDense().data(), 1e-5f);
        assertEquals(4L * (3 + 1 + 2), l.storedBytes());
    }

    @Test
    void rankOutsideTheMatrixIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Svd.exact(matrix(3, 2, A), 3));
        assertTrue(e.getMessage().contains("[1, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Svd.randomized(matrix(3, 2, A), 0, 10, 4, 1));
    }

    /** Orthonormal m×n (m ≥ n) from the QR of a Gaussian matrix. */
    private static DMatrixRMaj orthonormal(int m, int n, Random rng) {
        DMatrixRMaj g = new DMatrixRMaj(m, n);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = rng.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, n);
        qr.decompose(g);
        return qr.getQ(null, true);
    }

    @Test
    void randomizedMatchesExactOnADecayingSpectrum() {
        int m = 600;
        int n = 400;
        int r = 10;
        Random rng = new Random(2024);
        DMatrixRMaj u = orthonormal(m, n, rng);
        DMatrixRMaj v = orthonormal(n, n, rng);
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = 10 * Math.pow(0.9, i); // σ_i = 10·0.9^i
            for (int row = 0; row < m; row++) {
                u.set(row, i, u.get(row, i) * sigma[i]);
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransB(u, v, a); // A = U diag(σ) Vᵀ
        float[] af = new float[m * n];
        for (int i = 0; i < af.length; i++) {
            af[i] = (float) a.data[i];
        }
        FloatTensor t = matrix(m, n, af);

        LowRankFactors exact = Svd.exact(t, r);
        LowRankFactors rand = Svd.randomized(t, r, 10, 4, 99);
        for (int i = 0; i < r; i++) {
            assertEquals(sigma[i], exact.s()[i], 1e-4 * sigma[i], "exact σ" + i);
            assertEquals(sigma[i], rand.s()[i], 1e-3 * sigma[i], "randomized σ" + i);
        }
        // the best rank-r error is sqrt(Σ_{i≥r} σ_i²) (Eckart–Young)
        double tail = 0;
        for (int i = r; i < n; i++) {
            tail += sigma[i] * sigma[i];
        }
        double best = Math.sqrt(tail);
        double exactErr = error(af, LowRank.of(new int[] {m, n}, exact).toDense().data());
        double randErr = error(af, LowRank.of(new int[] {m, n}, rand).toDense().data());
        assertEquals(best, exactErr, 1e-3 * best);
        assertTrue(randErr <= 1.01 * exactErr, "randomized error " + randErr + " vs exact " + exactErr);

        LowRankFactors again = Svd.randomized(t, r, 10, 4, 99);
        assertArrayEquals(rand.u(), again.u(), 0f);
        assertArrayEquals(rand.s(), again.s(), 0f);
        assertArrayEquals(rand.v(), again.v(), 0f);
    }

    private static double error(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
