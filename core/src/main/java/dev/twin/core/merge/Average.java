package dev.twin.core.merge;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;

/** Weight averaging: θ = (1/T) Σt θt. Ignores λ, density and seed. */
public final class Average implements MergeMethod {

    @Override
    public String name() {
        return "average";
    }

    @Override
    public WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        List<String> names = TaskVectors.mergedNames(base, experts, opts);
        float count = experts.size();
        WeightSet merged = new WeightSet();
        for (String name : names) {
            float[] sum = new float[base.get(name).numel()];
            for (WeightSet e : experts) {
                float[] x = e.get(name).data();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += x[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= count; // θ = Σ θt / T
            }
            merged.put(name, new FloatTensor(base.get(name).shape().clone(), sum));
        }
        return TaskVectors.withBaseForExcluded(base, merged);
    }
}
