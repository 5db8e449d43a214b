package dev.twin.core.eval;

import java.util.List;

/**
 * Settings of {@code twin eval}. Defaults follow DESIGN.md's recipe: shared expert by task-arithmetic with λ picked
 * on validation, exclusive vectors compressed by SVD at the suite's rank (16 for fashion-mnist-8; {@code svdRank}
 * overrides it when not null), group-wise k = 8 groups per batch of 256 shuffled
 * inputs, lattice top-2 on a 1/8 simplex grid, temperature 1.
 */
public record EvalConfig(List<Double> lambdaGrid, double tiesDensity, double dareDensity, String sharedMethod,
                         Integer svdRank, int groupK, int batchSize, int latticeTopK, int latticeQ, double temperature,
                         int selectionItems, long seed) {

    public static EvalConfig defaults() {
        return new EvalConfig(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), 0.2, 0.5,
                "task-arithmetic", null, 8, 256, 2, 8, 1.0, 1000, 0);
    }

    /** The same settings with the exclusive experts' SVD rank set (null: the suite's). */
    public EvalConfig withSvdRank(Integer rank) {
        return new EvalConfig(lambdaGrid, tiesDensity, dareDensity, sharedMethod, rank, groupK, batchSize, latticeTopK,
                latticeQ, temperature, selectionItems, seed);
    }
}
