package dev.twin.core.compress;

import dev.twin.core.merge.Density;

/**
 * Options of a compressor. Each compressor takes what it needs: svd a rank or a density (rank wins when both are
 * given), magnitude and bernoulli a density, none nothing.
 *
 * @param rank       explicit svd rank, ≥ 1, or null
 * @param density    fraction of entries (magnitude, bernoulli) or of min(m, n) singular triplets (svd) kept, in (0, 1],
 *                   or null
 * @param seed       seed of bernoulli's coin flips and of the randomized SVD sketch
 * @param tensorName name of the tensor being compressed (never null; "" when unknown): bernoulli seeds each tensor's
 *                   coin flips from (seed, tensorName) and error messages name it. When compressing several experts,
 *                   give each its own seed or qualify the name (e.g. "task3/layer.weight") so their masks differ.
 */
public record CompressOptions(Integer rank, Double density, long seed, String tensorName) {

    public CompressOptions {
        if (rank != null && rank < 1) {
            throw new IllegalArgumentException("compression rank must be >= 1, got " + rank);
        }
        if (density != null) {
            Density.check(density, "compression density");
        }
        if (tensorName == null) {
            tensorName = "";
        }
    }

    /** Options for no particular tensor. */
    public CompressOptions(Integer rank, Double density, long seed) {
        this(rank, density, seed, "");
    }

    /** The same options for the tensor called {@code name}. */
    public CompressOptions forTensor(String name) {
        return new CompressOptions(rank, density, seed, name);
    }

    public CompressOptions withSeed(long newSeed) {
        return new CompressOptions(rank, density, newSeed, tensorName);
    }

    /** "tensor 'name'" for error messages, or "tensor" when the name is unknown. */
    String label() {
        return tensorName.isEmpty() ? "tensor" : "tensor '" + tensorName + "'";
    }
}
