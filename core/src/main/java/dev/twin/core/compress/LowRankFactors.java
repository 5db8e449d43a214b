package dev.twin.core.compress;

/**
 * The top r singular triplets of an m×n matrix: A ≈ U diag(s) Vᵀ, singular values descending, each column of U
 * signed so that its largest-|.| entry (the first such) is positive (V's column flipped with it).
 *
 * @param u m×r row-major
 * @param s r values
 * @param v n×r row-major
 */
public record LowRankFactors(int m, int n, int r, float[] u, float[] s, float[] v) {

    public LowRankFactors {
        if (u.length != (long) m * r || s.length != r || v.length != (long) n * r) {
            throw new IllegalArgumentException("factor sizes u=" + u.length + " s=" + s.length + " v=" + v.length
                    + " do not fit m=" + m + " n=" + n + " r=" + r);
        }
    }
}
