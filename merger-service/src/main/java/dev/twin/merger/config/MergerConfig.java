package dev.twin.merger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Settings of the merger ({@code twin.merger.*}, each overridable by environment, e.g. TWIN_MERGER_BUNDLE). */
@ConfigMapping(prefix = "twin.merger")
public interface MergerConfig {

    /** The bundle directory holding θ*, the compressed experts and the heads. */
    Path bundle();

    /** Topic names (DESIGN.md defaults). */
    Topics topics();

    /**
     * Where materialization of θ(w) runs: auto (the GPU when DJL sees one, else the CPU), cpu, or cuda:N (GPU N, required: without it the
     * service refuses to start with the reason). Logged at start and shown in readiness.
     */
    @WithDefault("auto")
    String device();

    /**
     * How cluster traffic (lattice, group, top1, per-request) runs: factored (default: each row computes θ(w_key)·x as
     * θ*·x plus the exclusive experts' factors weighted by the key's w, like exact traffic; nothing materialized or
     * installed) or materialized (θ(w_key) materialized once per key, cached and installed on the key's executor).
     * Both give the same answers; README ("cluster execution") has the measurements behind the default.
     */
    @WithDefault("factored")
    ClusterExecution clusterExecution();

    /** Values of {@link #clusterExecution()}. */
    enum ClusterExecution {
        FACTORED,
        MATERIALIZED
    }

    /** Memory budget of the merged-weight cache in bytes (a set costs 4 × numel). */
    @WithDefault("268435456")
    long cacheBudgetBytes();

    /**
     * Executor calls (clusters, or slices of exact/static traffic) in flight at once, across polls. Unset: twice the
     * machine's cores (a call mostly waits on the executor; materialization is serialized).
     */
    OptionalInt parallelClusters();

    /**
     * Polls whose results are not all written yet, at most: the consumer takes the next poll while earlier ones are
     * still executing or waiting for broker acks, and waits only beyond this bound (back-pressure).
     */
    @WithDefault("4")
    int pollsInFlight();

    /**
     * Largest serialized execute request in bytes: coalesced exact/static traffic and large clusters are split into
     * calls under it. Must not exceed the executors' quarkus.grpc.server.max-inbound-message-size (4 MiB).
     */
    @WithDefault("4194304")
    int executorMaxMessageBytes();

    /**
     * Executor gRPC addresses, host:port: the executor set when twin.merger.discovery.mode is static (the default);
     * ignored by the other modes, which learn the set at run time.
     */
    Optional<List<String>> executors();

    /** Virtual nodes per executor on the consistent-hash ring. */
    @WithDefault("64")
    int virtualNodes();

    /** The model name put on every OIP response. */
    @WithDefault("twin")
    String modelName();

    /** Deadline of one executor call in seconds. */
    @WithDefault("60")
    int executorTimeoutSeconds();

    /** How long a batch is retried while no executor answers (or the bundle is not loaded) before the DLQ. */
    @WithDefault("120")
    int unavailableRetrySeconds();

    /**
     * Graceful shutdown: how long the merger waits for the polls in flight to be answered and acked before it exits
     * (keep it, plus the connector's final commit, under the pod's terminationGracePeriodSeconds).
     */
    @WithDefault("25")
    int drainSeconds();

    /** Topic names. */
    interface Topics {
        @WithDefault("twin.routed")
        String routed();

        @WithDefault("twin.results")
        String results();

        @WithDefault("twin.dlq")
        String dlq();

        /** Executor heartbeats (compacted), read when twin.merger.discovery.mode is kafka. */
        @WithDefault("twin.executors")
        String executors();
    }
}
