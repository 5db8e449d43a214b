package dev.twin.router.route;

import java.util.List;

/** Told what the router made of each micro-batch (for metrics); called on the batcher's thread, so keep it cheap. */
public interface RouteObserver {
    RouteObserver NONE = (tasks, rowWeights, rows, clusters) -> { };

    /**
     * One micro-batch routed: its rows' router weights (rows × tasks in bundle task order; null when the strategy
     * runs no router), its row count and the number of cluster batches it became.
     */
    void routed(List<String> tasks, float[][] rowWeights, int rows, int clusters);
}
