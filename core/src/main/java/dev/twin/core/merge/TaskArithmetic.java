package dev.twin.core.merge;

import dev.twin.core.tensor.WeightSet;
import java.util.List;

/** Task arithmetic: θ = θ0 + λ Σt τt. */
public final class TaskArithmetic implements MergeMethod {

    @Override
    public String name() {
        return "task-arithmetic";
    }

    @Override
    public WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        List<String> names = TaskVectors.mergedNames(base, experts, opts);
        return combine(base, TaskVectors.of(base, experts, names), opts);
    }

    /** The merge step on given task vectors (all with the same tensors): θ0 + λ Σt τt, other tensors from the base. */
    static WeightSet combine(WeightSet base, List<WeightSet> taus, MergeOptions opts) {
        WeightSet merged = new WeightSet();
        for (String name : taus.get(0).names()) {
            float[] sum = new float[base.get(name).numel()];
            for (WeightSet tau : taus) {
                float[] x = tau.get(name).data();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += x[i]; // Σt τt
                }
            }
            merged.put(name, TaskVectors.addScaled(base.get(name), sum, opts.lambda()));
        }
        return TaskVectors.withBaseForExcluded(base, merged);
    }
}
