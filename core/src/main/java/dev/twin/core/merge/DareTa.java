package dev.twin.core.merge;

import dev.twin.core.tensor.WeightSet;
import java.util.List;

/** DARE + task arithmetic: each τt goes through {@link Dare}'s drop-and-rescale, then θ = θ0 + λ Σt τ̃t. Default density 0.5. */
public final class DareTa implements MergeMethod {

    @Override
    public String name() {
        return "dare-ta";
    }

    @Override
    public WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        List<String> names = TaskVectors.mergedNames(base, experts, opts);
        List<WeightSet> taus = TaskVectors.of(base, experts, names);
        double density = opts.densityOr(Dare.DEFAULT_DENSITY);
        return TaskArithmetic.combine(base, Dare.dropAndRescale(taus, density, opts.seed()), opts);
    }
}
