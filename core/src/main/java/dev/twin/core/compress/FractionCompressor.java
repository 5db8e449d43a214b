package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/**
 * Frame shared by the compressors that keep a fraction of a tensor's entries: the options must give a density and no
 * rank, rank ≤ 1 tensors stay dense, values must be finite; the subclass only picks and stores the kept entries.
 */
abstract class FractionCompressor implements Compressor {

    @Override
    public final CompressedTensor compress(FloatTensor v, CompressOptions o) {
        double density = CompressorChecks.requireDensityOnly(o, name());
        if (CompressorChecks.staysDense(v)) {
            return new Dense(v);
        }
        CompressorChecks.requireFinite(v, o, name());
        return keep(v, density, o);
    }

    /** The kept entries of {@code v} (finite, rank ≥ 2) at {@code density} in (0, 1]. */
    abstract Sparse keep(FloatTensor v, double density, CompressOptions o);
}
