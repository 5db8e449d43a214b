package dev.twin.core.group;

import java.util.List;

/**
 * "exact": Twin-Merging without any grouping. Every input keeps its own w and is computed through the factored
 * experts (y = θ*·x + U·diag(w ⊗ S)·(Vᵀ·x) per weight matrix), so nothing is materialized and no cluster key
 * exists. The batch forms one group keyed {@value #NAME} only so that it travels as one unit; its {@code weights}
 * are the batch mean and informative only: {@link #perRowWeights()} tells the serving path to carry each row's own.
 */
public final class Exact implements GroupingStrategy {
    public static final String NAME = "exact";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean perRowWeights() {
        return true;
    }

    @Override
    public List<Group> assign(float[][] weights) {
        int t = WeightBatch.validate(NAME, weights);
        int n = weights.length;
        if (n == 0) {
            return List.of();
        }
        float[] mean = new float[t];
        for (float[] w : weights) {
            for (int j = 0; j < t; j++) {
                mean[j] += w[j] / n;
            }
        }
        return List.of(new Group(NAME, mean, WeightBatch.all(n)));
    }
}
