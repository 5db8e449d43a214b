package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;
import java.util.Arrays;

/**
 * A rank-r factorization of a tensor's 2-D view [shape[0], prod(rest)]: toDense = U diag(s) Vᵀ reshaped to shape.
 *
 * @param u m×r row-major
 * @param s r singular values
 * @param v n×r row-major
 */
public record LowRank(int[] shape, int m, int n, int r, float[] u, float[] s, float[] v) implements CompressedTensor {

    public LowRank {
        if (shape == null || shape.length < 2) {
            throw new IllegalArgumentException("a low-rank tensor needs rank >= 2, got shape " + Arrays.toString(shape));
        }
        long numel = FloatTensor.numel(shape);
        if (m != shape[0] || (long) m * n != numel) {
            throw new IllegalArgumentException("m=" + m + " n=" + n + " is not the 2-D view of shape " + Arrays.toString(shape));
        }
        if (r < 1) {
            throw new IllegalArgumentException("low-rank r must be >= 1, got " + r);
        }
        if (u.length != (long) m * r || s.length != r || v.length != (long) n * r) {
            throw new IllegalArgumentException("factor sizes u=" + u.length + " s=" + s.length + " v=" + v.length
                    + " do not fit m=" + m + " n=" + n + " r=" + r);
        }
        shape = shape.clone();
    }

    /** Wraps SVD factors of {@code shape}'s 2-D view. */
    public static LowRank of(int[] shape, LowRankFactors f) {
        return new LowRank(shape, f.m(), f.n(), f.r(), f.u(), f.s(), f.v());
    }

    @Override
    public FloatTensor toDense() {
        float[] vt = new float[r * n]; // Vᵀ row-major, so the inner loop runs over contiguous memory
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < r; k++) {
                vt[k * n + j] = v[j * r + k];
            }
        }
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int k = 0; k < r; k++) {
                float a = u[i * r + k] * s[k];
                int col = k * n;
                for (int j = 0; j < n; j++) {
                    out[row + j] += a * vt[col + j]; // A[i,j] = Σk U[i,k] s[k] V[j,k]
                }
            }
        }
        return new FloatTensor(shape.clone(), out);
    }

    @Override
    public long storedBytes() {
        return 4L * ((long) m * r + r + (long) n * r);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LowRank l && Arrays.equals(shape, l.shape) && m == l.m && n == l.n && r == l.r
                && Arrays.equals(u, l.u) && Arrays.equals(s, l.s) && Arrays.equals(v, l.v);
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(shape) * 31 + Arrays.hashCode(u)) * 31 + Arrays.hashCode(s)) * 31 + Arrays.hashCode(v);
    }

    @Override
    public String toString() {
        return "LowRank" + Arrays.toString(shape) + "[" + m + "x" + n + ", r=" + r + "]";
    }
}
