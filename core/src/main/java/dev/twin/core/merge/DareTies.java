package dev.twin.core.merge;

import dev.twin.core.tensor.WeightSet;
import java.util.List;

/**
 * DARE + TIES: each τt goes through {@link Dare}'s drop-and-rescale, then the whole {@link Ties} procedure runs on the
 * results with the same density for its trim step (TWIN-MERGING.md: "then ... ties as above"). Default density 0.5.
 */
public final class DareTies implements MergeMethod {

    @Override
    public String name() {
        return "dare-ties";
    }

    @Override
    public WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        List<String> names = TaskVectors.mergedNames(base, experts, opts);
        List<WeightSet> taus = TaskVectors.of(base, experts, names);
        double density = opts.densityOr(Dare.DEFAULT_DENSITY);
        return Ties.combine(base, Dare.dropAndRescale(taus, density, opts.seed()), density, opts);
    }
}
