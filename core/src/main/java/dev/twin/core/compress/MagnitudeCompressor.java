package dev.twin.core.compress;

import dev.twin.core.merge.Density;
import dev.twin.core.merge.MagnitudeTrim;
import dev.twin.core.tensor.FloatTensor;

/**
 * Keeps the top floor(density·n) entries by |value| (possibly none), ties at the threshold going to the lower flat
 * index, as {@link Sparse}. Rank ≤ 1 tensors stay dense.
 */
public final class MagnitudeCompressor implements Compressor {

    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public CompressedTensor compress(FloatTensor v, CompressOptions o) {
        double density = CompressorChecks.requireDensityOnly(o, name());
        if (CompressorChecks.staysDense(v)) {
            return new Dense(v);
        }
        CompressorChecks.requireFinite(v, o, name());
        int[] idx = MagnitudeTrim.topIndices(v.data(), Density.keepCount(density, v.numel()));
        float[] values = new float[idx.length];
        for (int j = 0; j < idx.length; j++) {
            values[j] = v.data()[idx[j]];
        }
        return new Sparse(v.shape(), idx, values);
    }
}
