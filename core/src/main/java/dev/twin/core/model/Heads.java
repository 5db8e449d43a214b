package dev.twin.core.model;

import dev.twin.core.tensor.WeightSet;
import java.util.SplittableRandom;

/** Fresh linear task heads, shared by every architecture. */
final class Heads {
    private Heads() {
    }

    /** head.&lt;task&gt;.weight [classes, featureDim] and head.&lt;task&gt;.bias [classes], U(±1/√featureDim). */
    static WeightSet init(String task, int classes, int featureDim, long seed) {
        if (task == null || task.isEmpty() || task.contains(".")) {
            throw new IllegalArgumentException("task name must be non-empty and without '.', got '" + task + "'");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("task '" + task + "' needs at least 2 classes, got " + classes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        return new WeightSet()
                .put("head." + task + ".weight", Init.uniform(rng, new int[] {classes, featureDim}, featureDim))
                .put("head." + task + ".bias", Init.uniform(rng, new int[] {classes}, featureDim));
    }
}
