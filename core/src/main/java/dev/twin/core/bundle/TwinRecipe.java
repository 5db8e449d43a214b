package dev.twin.core.bundle;

import dev.twin.core.router.RouterConfig;

/**
 * How a suite's experts become a bundle: the shared expert's static method and λ, the compression of the exclusive
 * vectors, and the router's training settings and temperature.
 */
public record TwinRecipe(String sharedMethod, double lambda, Double density, String compressMethod, Integer rank,
                         Double compressDensity, RouterConfig router, double temperature, long seed) {

    /** DESIGN.md's default: task-arithmetic shared expert, SVD rank 16. */
    public static TwinRecipe defaults(double lambda) {
        return new TwinRecipe("task-arithmetic", lambda, null, "svd", 16, null, RouterConfig.defaults(), 1.0, 0);
    }
}
