package dev.twin.merger.kafka;

/** How a routed batch is served, by its cluster key (twin_routed.proto). */
enum Route {
    /** "exact": every row with its own router weights, factored on the executor over θ*; nothing materialized. */
    EXACT,
    /** "static": θ* alone; nothing materialized or installed. */
    STATIC,
    /**
     * Any other key (lattice, group, top1, per-request): a cluster whose rows all compute θ(w_key)·x, either factored
     * over θ* or on θ(w_key) materialized, cached and installed ({@link Execution}, twin.merger.cluster-execution).
     */
    GROUPED;

    static final String EXACT_KEY = "exact";
    static final String STATIC_KEY = "static";

    static Route of(String clusterKey) {
        return switch (clusterKey) {
            case EXACT_KEY -> EXACT;
            case STATIC_KEY -> STATIC;
            default -> GROUPED;
        };
    }
}
