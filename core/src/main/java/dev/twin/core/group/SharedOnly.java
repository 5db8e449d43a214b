package dev.twin.core.group;

import java.util.List;

/**
 * "static": the serving baseline without Twin-Merging's second stage. Every input uses the shared expert θ* alone
 * (w = 0, one group keyed {@value #NAME}), so no router runs and one weight set serves all traffic; requests must
 * name their task, since nothing infers it.
 */
public final class SharedOnly implements GroupingStrategy {
    public static final String NAME = "static";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesRouter() {
        return false;
    }

    @Override
    public List<Group> assign(float[][] weights) {
        int t = WeightBatch.validate(NAME, weights);
        int n = weights.length;
        if (n == 0) {
            return List.of();
        }
        return List.of(new Group(NAME, new float[t], WeightBatch.all(n)));
    }
}
