package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/** Rules every lossy compressor applies before its own work. */
final class CompressorChecks {

    private CompressorChecks() {
    }

    /** Rank-1 (and scalar) tensors such as biases and norms are stored dense; so are empty ones (nothing to factor). */
    static boolean staysDense(FloatTensor v) {
        return v.rank() <= 1 || v.numel() == 0;
    }

    static void requireFinite(FloatTensor v, CompressOptions o, String method) {
        int bad = v.indexOfNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(method + ": " + o.label() + " holds a non-finite value (" + v.data()[bad]
                    + ") at flat index " + bad);
        }
    }

    /** Magnitude and bernoulli keep a fraction of entries: they need a density and take no rank. */
    static double requireDensityOnly(CompressOptions o, String method) {
        if (o.rank() != null) {
            throw new IllegalArgumentException(method + " compression keeps a fraction of entries: give a density, not a rank ("
                    + o.rank() + ")");
        }
        if (o.density() == null) {
            throw new IllegalArgumentException(method + " compression needs a density (the fraction of entries kept)");
        }
        return o.density();
    }
}
