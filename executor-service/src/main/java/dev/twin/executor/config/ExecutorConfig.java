package dev.twin.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Settings of the executor ({@code twin.executor.*}, each overridable by environment, e.g. TWIN_EXECUTOR_BUNDLE). */
@ConfigMapping(prefix = "twin.executor")
public interface ExecutorConfig {

    /** The bundle directory whose architecture, shared-expert tensor names and task heads the executor serves. */
    Path bundle();

    /** At most this many weight sets stay installed; installing one more evicts the least recently used. */
    @WithDefault("8")
    int maxInstalled();
}
