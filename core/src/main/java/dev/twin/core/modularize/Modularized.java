package dev.twin.core.modularize;

import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;

/**
 * The result of knowledge modularization: the shared expert θ* (merged tensors plus the base's copies of excluded
 * tensors), one compressed exclusive vector v̂t per task, and each task's own excluded tensors (its head).
 */
public record Modularized(List<String> tasks, WeightSet shared, Map<String, Map<String, CompressedTensor>> exclusive,
                          Map<String, WeightSet> heads) {

    /** Names of the tensors that dynamic merging touches (those with exclusive vectors), in shared order. */
    public List<String> mergedNames() {
        return List.copyOf(exclusive.get(tasks.get(0)).keySet());
    }
}
