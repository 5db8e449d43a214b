package dev.twin.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Settings of the executor ({@code twin.executor.*}, each overridable by environment, e.g. TWIN_EXECUTOR_BUNDLE). */
@ConfigMapping(prefix = "twin.executor")
public interface ExecutorConfig {

    /** The bundle directory whose architecture, shared-expert tensor names and task heads the executor serves. */
    Path bundle();

    /** At most this many weight sets stay installed; installing one more evicts the least recently used. */
    @WithDefault("64")
    int maxInstalled();

    /**
     * And at most this many bytes of installed float32 weights (4 bytes per value): a small model keeps many sets,
     * a transformer a few. The newest set is always kept.
     */
    @WithDefault("1073741824")
    long maxInstalledBytes();

    /**
     * PyTorch intra-op threads of one forward pass (env TWIN_EXECUTOR_THREADS). Unset: the machine's cores. Calls
     * run concurrently on the gRPC worker pool, so on a small shared machine fewer threads per pass can serve more.
     */
    OptionalInt threads();

    /**
     * Where execution (factored and materialized rows) runs: auto (the GPU when DJL sees one, else the CPU), cpu, or cuda:N (GPU N, required: without it the
     * service refuses to start with the reason). Logged at start and shown in readiness.
     */
    @WithDefault("auto")
    String device();

    /** PyTorch inter-op threads (fixed once per process, before the engine's first parallel work). */
    @WithDefault("1")
    int interopThreads();
}
