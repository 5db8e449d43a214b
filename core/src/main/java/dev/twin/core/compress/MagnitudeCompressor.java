package dev.twin.core.compress;

import dev.twin.core.merge.Density;
import dev.twin.core.merge.MagnitudeTrim;
import dev.twin.core.tensor.FloatTensor;

/**
 * Keeps the top floor(density·n) entries by |value| (possibly none), ties at the threshold going to the lower flat
 * index, as {@link Sparse}. Rank ≤ 1 tensors stay dense.
 */
public final class MagnitudeCompressor extends FractionCompressor {

    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    Sparse keep(FloatTensor v, double density, CompressOptions o) {
        int[] idx = MagnitudeTrim.topIndices(v.data(), Density.keepCount(density, v.numel()));
        float[] values = new float[idx.length];
        for (int j = 0; j < idx.length; j++) {
            values[j] = v.data()[idx[j]];
        }
        return new Sparse(v.shape(), idx, values);
    }
}
