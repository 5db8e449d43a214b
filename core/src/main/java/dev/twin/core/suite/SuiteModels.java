package dev.twin.core.suite;

import dev.twin.core.tensor.WeightSet;
import java.util.Map;

/**
 * The trained models of a suite: the base (trunk + head of the recipe's base task) and, per task, its expert
 * (its own fine-tuned trunk + {@code head.<task>.*} only).
 */
public record SuiteModels(WeightSet base, Map<String, WeightSet> experts) {

    /** The expert of task, or a clear error. */
    public WeightSet expert(String task) {
        WeightSet w = experts.get(task);
        if (w == null) {
            throw new IllegalArgumentException("no expert for task '" + task + "' (have " + experts.keySet() + ")");
        }
        return w;
    }
}
