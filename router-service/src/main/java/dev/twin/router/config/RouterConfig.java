package dev.twin.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Settings of the router ({@code twin.router.*}, each overridable by environment, e.g. TWIN_ROUTER_BUNDLE). */
@ConfigMapping(prefix = "twin.router")
public interface RouterConfig {

    /** The bundle directory whose manifest and router.onnx the router serves. */
    Path bundle();

    /** The OIP model name this server answers to; any other name is an unknown model. */
    @WithDefault("twin")
    String modelName();

    Topics topics();

    Batch batch();

    Grouping grouping();

    /** Softmax temperature of the merge weights; absent: the bundle manifest's router temperature. */
    OptionalDouble temperature();

    /** How long a synchronous infer waits for its result on the results topic. */
    @WithDefault("10000")
    long syncTimeoutMs();

    /** Largest accepted request body (bytes of JSON or protobuf). */
    @WithDefault("1048576")
    int maxPayloadBytes();

    /**
     * Topics a Kafka request's reply-to header may name (a Java regex over the whole name); absent: the results
     * topic or a topic below it ("twin.results" or "twin.results.*"). Others go to the DLQ.
     */
    Optional<String> replyToPattern();

    /**
     * Where router.onnx runs: auto (the GPU when ONNX Runtime's CUDA execution provider sees one, else the CPU), cpu, or cuda:N (GPU N, required: without it the
     * service refuses to start with the reason). Logged at start and shown in readiness.
     */
    @WithDefault("auto")
    String device();

    /** ONNX Runtime intra-op threads of the router; absent: half the cores (at least 1), the rest serve Kafka/gRPC. */
    OptionalInt onnxThreads();

    /** The live dashboard served at /dashboard/. */
    Dashboard dashboard();
    /**
     * This router's id, unique among the routers sharing a broker: it names the reply topic and prefixes every
     * correlation. Absent: a random id per process (Kubernetes sets the pod name).
     */
    Optional<String> instanceId();

    /** Synchronous calls waiting for their answer at once, at most; beyond it a call gets 429 / RESOURCE_EXHAUSTED. */
    @WithDefault("1024")
    int maxPendingSync();

    /**
     * Kafka request records between poll and acknowledgement (parsing, queued, publishing), at most; beyond it the
     * consumer waits (the connector pauses its partitions) instead of buffering.
     */
    @WithDefault("4096")
    int maxInFlightRecords();

    /**
     * Largest twin.routed record (bytes): a group's requests are split over several records under it; below the
     * routed producer's max.request.size and the broker's message.max.bytes (both 1 MiB by default).
     */
    @WithDefault("1000000")
    int routedMaxMessageBytes();

    Replies replies();

    /**
     * Graceful shutdown: how long the router waits for the Kafka records it has taken to be routed and acked before
     * it exits (keep the whole shutdown under the pod's terminationGracePeriodSeconds).
     */
    @WithDefault("10")
    int drainSeconds();

    /**
     * The reply topic of synchronous calls: {@code <prefix>.<instance id>}, created at start (one partition), read
     * only by this router, deleted on a graceful stop.
     */
    interface Replies {
        @WithDefault("twin.replies")
        String prefix();

        /** Delete the reply topic on a graceful stop (a crashed router's topic stays until removed). */
        @WithDefault("true")
        boolean deleteOnStop();

        /** retention.ms of the reply topic (answers are read within the sync timeout). */
        @WithDefault("3600000")
        long retentionMs();

        /** Replication factor of the reply topic; absent: the broker's default. */
        OptionalInt replicas();
    }

    /** Kafka topic names (DESIGN.md defaults). */
    interface Topics {
        @WithDefault("twin.requests")
        String requests();

        @WithDefault("twin.routed")
        String routed();

        @WithDefault("twin.results")
        String results();

        @WithDefault("twin.dlq")
        String dlq();
    }

    /**
     * Micro-batching: a batch closes as soon as the stage after it is idle (no router call or publish pending), or
     * when it holds max-size rows, or when its first request waited max-wait-ms.
     */
    interface Batch {
        @WithDefault("64")
        int maxSize();

        @WithDefault("10")
        long maxWaitMs();

        /** Rows waiting for routing, at most (synchronous callers beyond it get 429; Kafka records wait). */
        @WithDefault("8192")
        int maxQueuedRows();
    }

    /** The grouping strategy (core's GroupingStrategies) and its parameters. */
    interface Grouping {
        /** "exact" (each row its own w, factored), "lattice", "group", "top1", "per-request" or "static". */
        @WithDefault("exact")
        String strategy();

        /** Groups per batch for "group". */
        @WithDefault("4")
        int k();

        /** Grid resolution of "lattice" (step 1/q). */
        @WithDefault("4")
        int q();

        /** Weights kept by "lattice". */
        @WithDefault("2")
        int topK();

        /** k-means++ seed of "group". */
        @WithDefault("0")
        long seed();

        /**
         * How a grouped strategy's clusters travel on twin.routed: per-batch (one record per micro-batch, each row
         * carrying its cluster's weights, served factored like exact traffic: what mergers running clusters factored,
         * their default, need) or per-cluster (one record per cluster, keyed by it, so that a merger materializing
         * clusters, twin.merger.cluster-execution=materialized, gets its keys' traffic and can materialize them).
         */
        @WithDefault("per-batch")
        ClusterRecords clusterRecords();
    }

    /** Values of {@link Grouping#clusterRecords()}. */
    enum ClusterRecords {
        PER_BATCH,
        PER_CLUSTER
    }

    /** What the dashboard reads: this router's own meters plus the other services' Prometheus endpoints. */
    interface Dashboard {
        /**
         * The other services' metrics endpoints, each {@code name=url} or a bare url (named by its host:port), e.g.
         * {@code merger=http://127.0.0.1:9300/q/metrics}; a source that exposes twin_executor_queue_depth is shown
         * as an executor. Absent: the router's own meters only.
         */
        Optional<List<String>> scrape();

        /** How often the dashboard samples the metrics (one frame per sample). */
        @WithDefault("1000")
        long intervalMs();

        /** Frames kept for a page that opens later (at the default interval, 10 minutes). */
        @WithDefault("600")
        int history();
    }
}
