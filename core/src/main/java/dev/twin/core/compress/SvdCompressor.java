package dev.twin.core.compress;

import dev.twin.core.merge.Density;
import dev.twin.core.tensor.FloatTensor;

/**
 * Keeps the top r singular triplets of the tensor's 2-D view as {@link LowRank}: r = the explicit rank (capped at
 * min(m, n)), else max(1, floor(density·min(m, n))). Exact SVD for small matrices, randomized above
 * {@link #EXACT_MAX_MIN_DIM}. Rank ≤ 1 tensors stay dense.
 */
public final class SvdCompressor implements Compressor {
    /** Exact SVD when min(m, n) is at most this... */
    public static final int EXACT_MAX_MIN_DIM = 256;
    /** ...or m·n at most this (implied by the first rule today: min(m, n) > 256 means m·n > 65536). */
    public static final long EXACT_MAX_ELEMENTS = 65_536;
    public static final int OVERSAMPLE = 10;
    public static final int POWER_ITERATIONS = 4;

    @Override
    public String name() {
        return "svd";
    }

    @Override
    public CompressedTensor compress(FloatTensor v, CompressOptions o) {
        if (o.rank() == null && o.density() == null) {
            throw new IllegalArgumentException("svd compression needs a rank or a density (fraction of min(m, n) kept)");
        }
        if (CompressorChecks.staysDense(v)) {
            return new Dense(v);
        }
        CompressorChecks.requireFinite(v, o, name());
        int m = v.rows();
        int n = v.cols();
        int r = rank(m, n, o);
        if (isZero(v)) {
            // exactly zero (e.g. a tensor no expert changed): its best approximation is 0, stored at rank 1; the
            // randomized range finder cannot orthonormalize a zero sketch
            return LowRank.of(v.shape(), new LowRankFactors(m, n, 1, new float[m], new float[1], new float[n]));
        }
        LowRankFactors f = useExact(m, n)
                ? Svd.exact(v, r)
                : Svd.randomized(v, r, OVERSAMPLE, POWER_ITERATIONS, o.seed());
        return LowRank.of(v.shape(), f);
    }

    /** r = min(rank, min(m, n)) when a rank is given, else max(1, floor(density·min(m, n))). */
    static int rank(int m, int n, CompressOptions o) {
        int k = Math.min(m, n);
        if (o.rank() != null) {
            return Math.min(o.rank(), k);
        }
        return (int) Math.max(1, Density.keepCount(o.density(), k));
    }

    private static boolean isZero(FloatTensor v) {
        for (float x : v.data()) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    static boolean useExact(int m, int n) {
        return Math.min(m, n) <= EXACT_MAX_MIN_DIM || (long) m * n <= EXACT_MAX_ELEMENTS;
    }
}
