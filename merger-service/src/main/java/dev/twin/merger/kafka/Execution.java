package dev.twin.merger.kafka;

import dev.twin.merger.config.MergerConfig.ClusterExecution;

/** How the executor serves a call's rows; {@link #path} is the {@code path} tag of the metrics. */
enum Execution {
    /** Each row with its weights (an exact row's own, a cluster's key weights) factored over θ*; nothing installed. */
    FACTORED("factored"),
    /** θ* alone. */
    SHARED("shared"),
    /** On the cluster's θ(w), materialized, cached and installed under its key. */
    MATERIALIZED("materialized");

    private final String path;

    Execution(String path) {
        this.path = path;
    }

    /** How a record of route is served when clusters run as {@code clusters} says. */
    static Execution of(Route route, ClusterExecution clusters) {
        return switch (route) {
            case EXACT -> FACTORED;
            case STATIC -> SHARED;
            case GROUPED -> clusters == ClusterExecution.FACTORED ? FACTORED : MATERIALIZED;
        };
    }

    String path() {
        return path;
    }

    /** Whether the executor call carries per-row weights. */
    boolean weighted() {
        return this == FACTORED;
    }
}
