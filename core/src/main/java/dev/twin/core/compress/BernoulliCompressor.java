package dev.twin.core.compress;

import dev.twin.core.merge.Dare;
import dev.twin.core.tensor.FloatTensor;

/**
 * Keeps each entry with probability density and rescales kept ones by 1/density (DARE's drop-and-rescale, so
 * E[v̂] = v), as {@link Sparse}; kept entries are stored even when their value is 0. The coin flips come from the
 * stream {@link Dare#seedFor}(seed, 0, tensorName), so each tensor name gets its own reproducible mask.
 * Rank ≤ 1 tensors stay dense.
 */
public final class BernoulliCompressor extends FractionCompressor {

    @Override
    public String name() {
        return "bernoulli";
    }

    @Override
    Sparse keep(FloatTensor v, double density, CompressOptions o) {
        int[] idx = Dare.keptIndices(v.numel(), density, Dare.seedFor(o.seed(), 0, o.tensorName()));
        float scale = (float) (1.0 / density);
        float[] values = new float[idx.length];
        for (int j = 0; j < idx.length; j++) {
            values[j] = v.data()[idx[j]] * scale; // v̂ = v / density on kept entries
        }
        return new Sparse(v.shape(), idx, values);
    }
}
