package dev.twin.core.merge;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DARE's drop-and-rescale step (Yu et al. 2024): every entry is kept independently with probability density and
 * kept entries are multiplied by 1/density, so E[result] = τ. The coin flips of expert t's tensor named N come from a
 * stream seeded by (seed, t, N) alone, so results do not depend on tensor order or on which other tensors exist.
 */
public final class Dare {
    /** Default density of the dare-* methods. */
    public static final double DEFAULT_DENSITY = 0.5;

    private Dare() {
    }

    /** The stream seed for one tensor of one expert (also usable for any other per-tensor coin flips). */
    public static long seedFor(long seed, int expertIndex, String tensorName) {
        return SplitMix64.streamSeed(seed, expertIndex, tensorName);
    }

    /** Flat indices, ascending, kept by independent draws u < density, u uniform in [0, 1) from {@code streamSeed}. */
    public static int[] keptIndices(int n, double density, long streamSeed) {
        Density.check(density, "drop-and-rescale");
        SplitMix64 rng = new SplitMix64(streamSeed);
        int[] kept = new int[(int) Math.min(n, (long) (density * n * 1.1) + 64)];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() < density) {
                if (k == kept.length) {
                    kept = Arrays.copyOf(kept, (int) Math.min(n, 2L * kept.length));
                }
                kept[k++] = i;
            }
        }
        return Arrays.copyOf(kept, k);
    }

    /** τ with each entry kept with probability density and rescaled by 1/density, dropped entries 0. */
    public static FloatTensor dropAndRescale(FloatTensor tau, double density, long streamSeed) {
        float scale = (float) (1.0 / density);
        float[] x = tau.data();
        float[] out = new float[x.length];
        for (int i : keptIndices(x.length, density, streamSeed)) {
            out[i] = x[i] * scale; // τ̃ = m ⊙ τ / density
        }
        return new FloatTensor(tau.shape().clone(), out);
    }

    /** Drop-and-rescale of every tensor of every task vector; expert t is {@code taus.get(t)}. */
    public static List<WeightSet> dropAndRescale(List<WeightSet> taus, double density, long seed) {
        List<WeightSet> out = new ArrayList<>(taus.size());
        for (int t = 0; t < taus.size(); t++) {
            WeightSet dropped = new WeightSet();
            for (var e : taus.get(t).asMap().entrySet()) {
                dropped.put(e.getKey(), dropAndRescale(e.getValue(), density, seedFor(seed, t, e.getKey())));
            }
            out.add(dropped);
        }
        return out;
    }
}
