package dev.twin.core.runtime;

import java.nio.file.Path;

/** Where the project keeps caches: $TWIN_CACHE or ~/.cache/twin. */
public final class TwinPaths {
    private TwinPaths() {
    }

    public static Path cacheDir() {
        String env = System.getenv("TWIN_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "twin");
    }
}
