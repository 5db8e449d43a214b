package dev.twin.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.OptionalDouble;

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

    /** Micro-batching: a batch closes when it holds max-size requests or its first one waited max-wait-ms. */
    interface Batch {
        @WithDefault("64")
        int maxSize();

        @WithDefault("10")
        long maxWaitMs();
    }

    /** The grouping strategy (core's GroupingStrategies) and its parameters. */
    interface Grouping {
        @WithDefault("lattice")
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
    }
}
