package dev.twin.core.compress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Truncated SVD of a tensor's 2-D view [rows(), cols()], exact (EJML, double precision) or randomized
 * (Halko, Martinsson, Tropp 2011). Both return {@link LowRankFactors} under the same sign convention, so the output is
 * deterministic.
 */
public final class Svd {

    private Svd() {
    }

    /** The top r singular triplets by EJML's dense SVD in double precision. */
    public static LowRankFactors exact(FloatTensor a, int r) {
        int m = a.rows();
        int n = a.cols();
        checkRank(m, n, r);
        return truncatedSvd(toDouble(a.data(), m, n), r);
    }

    /**
     * The top r singular triplets by randomized SVD: Y = AΩ with Ω Gaussian n×l (l = min(r + oversample, m, n)),
     * Q = qr(Y); {@code powerIters} times Q = qr(A·qr(AᵀQ)); then B = QᵀA (l×n) = Ub S Vᵀ exactly and U = Q·Ub.
     * Products with A run as DJL matmuls (float32); QR and the small SVD run in EJML (double).
     */
    public static LowRankFactors randomized(FloatTensor a, int r, int oversample, int powerIters, long seed) {
        int m = a.rows();
        int n = a.cols();
        checkRank(m, n, r);
        if (oversample < 0 || powerIters < 0) {
            throw new IllegalArgumentException("oversample and power iterations must be >= 0, got " + oversample + " and "
                    + powerIters);
        }
        int l = Math.min(r + oversample, Math.min(m, n));
        try (NDManager manager = DjlRuntime.newManager()) {
            NDArray matrix = manager.create(a.data(), new Shape(m, n));
            NDArray transposed = matrix.transpose();
            DMatrixRMaj q = orthonormalBasis(times(manager, matrix, gaussian(n, l, seed))); // Q = qr(AΩ)
            for (int it = 0; it < powerIters; it++) {
                DMatrixRMaj z = orthonormalBasis(times(manager, transposed, q)); // Z = qr(AᵀQ)
                q = orthonormalBasis(times(manager, matrix, z)); // Q = qr(AZ)
            }
            DMatrixRMaj b = CommonOps_DDRM.transpose(times(manager, transposed, q), null); // B = QᵀA = (AᵀQ)ᵀ
            SvdParts small = svd(b);
            DMatrixRMaj u = CommonOps_DDRM.mult(q, small.u, null); // U = Q·Ub
            return truncate(u, small.s, small.v, m, n, r);
        }
    }

    private static void checkRank(int m, int n, int r) {
        int k = Math.min(m, n);
        if (r < 1 || r > k) {
            throw new IllegalArgumentException("SVD rank must be in [1, " + k + "] for a " + m + "x" + n + " matrix, got " + r);
        }
    }

    private static LowRankFactors truncatedSvd(DMatrixRMaj a, int r) {
        SvdParts p = svd(a);
        return truncate(p.u, p.s, p.v, a.numRows, a.numCols, r);
    }

    private record SvdParts(DMatrixRMaj u, double[] s, DMatrixRMaj v) {
    }

    /** Compact SVD with singular values in descending order. */
    private static SvdParts svd(DMatrixRMaj a) {
        int m = a.numRows;
        int n = a.numCols;
        SingularValueDecomposition_F64<DMatrixRMaj> dec = DecompositionFactory_DDRM.svd(m, n, true, true, true);
        if (!dec.decompose(a.copy())) {
            throw new IllegalStateException("SVD did not converge for a " + m + "x" + n + " matrix");
        }
        DMatrixRMaj u = dec.getU(null, false);
        DMatrixRMaj w = dec.getW(null);
        DMatrixRMaj v = dec.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        double[] s = new double[Math.min(w.numRows, w.numCols)];
        for (int i = 0; i < s.length; i++) {
            s[i] = w.get(i, i);
        }
        return new SvdParts(u, s, v);
    }

    /**
     * The first r columns of U and V and values of s as float factors, each U column signed so its largest-|.| entry
     * (lowest row on ties) is positive, V's column flipped with it: UΣVᵀ is unchanged.
     */
    private static LowRankFactors truncate(DMatrixRMaj u, double[] s, DMatrixRMaj v, int m, int n, int r) {
        float[] uf = new float[m * r];
        float[] sf = new float[r];
        float[] vf = new float[n * r];
        for (int k = 0; k < r; k++) {
            int arg = 0;
            for (int i = 1; i < m; i++) {
                if (Math.abs(u.get(i, k)) > Math.abs(u.get(arg, k))) {
                    arg = i;
                }
            }
            double sign = u.get(arg, k) < 0 ? -1.0 : 1.0;
            for (int i = 0; i < m; i++) {
                uf[i * r + k] = (float) (sign * u.get(i, k));
            }
            for (int j = 0; j < n; j++) {
                vf[j * r + k] = (float) (sign * v.get(j, k));
            }
            sf[k] = (float) s[k];
        }
        return new LowRankFactors(m, n, r, uf, sf, vf);
    }

    /** Orthonormal basis of the columns of y (m×l, m ≥ l): the compact Q of its QR factorization. */
    private static DMatrixRMaj orthonormalBasis(DMatrixRMaj y) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(y.numRows, y.numCols);
        if (!qr.decompose(y.copy())) {
            throw new IllegalStateException("QR failed on a " + y.numRows + "x" + y.numCols + " matrix");
        }
        return qr.getQ(null, true);
    }

    /** x·d with x a DJL matrix and d a small double matrix, as a double matrix (the product runs in float32). */
    private static DMatrixRMaj times(NDManager manager, NDArray x, DMatrixRMaj d) {
        float[] df = new float[d.data.length];
        for (int i = 0; i < df.length; i++) {
            df[i] = (float) d.data[i];
        }
        try (NDArray right = manager.create(df, new Shape(d.numRows, d.numCols));
             NDArray product = x.matMul(right)) {
            float[] pf = product.toFloatArray();
            DMatrixRMaj out = new DMatrixRMaj((int) product.getShape().get(0), d.numCols);
            for (int i = 0; i < pf.length; i++) {
                out.data[i] = pf[i];
            }
            return out;
        }
    }

    /** n×l standard normal sketch from java.util.Random, whose sequence is fixed by its specification. */
    private static DMatrixRMaj gaussian(int n, int l, long seed) {
        Random rng = new Random(seed);
        DMatrixRMaj g = new DMatrixRMaj(n, l);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = rng.nextGaussian();
        }
        return g;
    }

    private static DMatrixRMaj toDouble(float[] data, int m, int n) {
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        for (int i = 0; i < data.length; i++) {
            a.data[i] = data[i];
        }
        return a;
    }
}
