package dev.twin.cli.stack;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundle {@code twin up} serves when none is named: the fashion-mnist-8 bundle of the cache when present, else
 * the synthetic suite's bundle (built once with the engine's suite code and cached).
 */
public final class DefaultBundle {
    public static final String PREFERRED = "fashion-mnist-8";
    public static final String FALLBACK = "synthetic";
    static final double LAMBDA = 0.5;

    private DefaultBundle() {
    }

    /** The bundle directory to serve; says on {@code log} which one and why. */
    public static Path resolve(PrintStream log) {
        Path bundles = TwinPaths.cacheDir().resolve("bundles");
        Path preferred = bundles.resolve(PREFERRED);
        if (Files.isRegularFile(preferred.resolve("manifest.json"))) {
            return preferred;
        }
        Path fallback = bundles.resolve(FALLBACK);
        if (Files.isRegularFile(fallback.resolve("manifest.json"))) {
            log.println("twin up: no " + PREFERRED + " bundle at " + preferred + " (build it with: twin eval --suite "
                    + PREFERRED + "); serving the cached " + FALLBACK + " bundle " + fallback);
            return fallback;
        }
        log.println("twin up: no " + PREFERRED + " bundle at " + preferred + " (build it with: twin eval --suite "
                + PREFERRED + "); building the " + FALLBACK + " suite's bundle in " + fallback);
        TaskSuite suite = Suites.byName(FALLBACK, DataLocator.standard());
        Bundle built = SuiteBundler.build(suite, SuiteModelCache.loadOrTrain(suite, log), TwinRecipe.defaults(LAMBDA),
                fallback, log);
        return built.dir();
    }
}
