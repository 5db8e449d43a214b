package dev.twin.merger.kafka;

/** How a routed batch is served, by its cluster key (twin_routed.proto). */
enum Route {
    /** "exact": every row with its own router weights, factored on the executor over θ*; nothing materialized. */
    EXACT,
    /** "static": θ* alone; nothing materialized or installed. */
    STATIC,
    /** Any other key (lattice, group, top1, per-request): θ(w) of the cluster materialized, cached and installed. */
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

    /**
     * How the executor serves the rows (the {@code path} tag of the metrics): factored per row over θ*, on a
     * materialized θ(w), or on θ* alone.
     */
    String path() {
        return switch (this) {
            case EXACT -> "factored";
            case GROUPED -> "materialized";
            case STATIC -> "shared";
        };
    }

    /** Whether the executor call carries per-row weights. */
    boolean weighted() {
        return this == EXACT;
    }
}
