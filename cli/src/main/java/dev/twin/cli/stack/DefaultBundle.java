package dev.twin.cli.stack;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.FashionMnist8Suite;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundle {@code twin up} and {@code twin demo} serve when none is named: the fashion-mnist-8 bundle of the cache,
 * else one built with the engine's suite code (fashion-mnist-8 when its data is found or installable, else the
 * synthetic suite, said on the log).
 */
public final class DefaultBundle {
    public static final String PREFERRED = "fashion-mnist-8";
    public static final String FALLBACK = "synthetic";
    /** Shared-expert λ: what {@code twin eval} picks on validation for fashion-mnist-8 (README), 0.5 otherwise. */
    static final double FASHION_LAMBDA = 0.3;
    static final double LAMBDA = 0.5;

    private DefaultBundle() {
    }

    /** A suite and the directory of its bundle. */
    public record Served(TaskSuite suite, Path dir) {
    }

    /** The bundle directory to serve for {@code twin up}; says on {@code log} which one and why. */
    public static Path resolve(PrintStream log) {
        Path preferred = dirOf(PREFERRED);
        if (Files.isRegularFile(preferred.resolve("manifest.json"))) {
            return preferred;
        }
        Path fallback = dirOf(FALLBACK);
        if (Files.isRegularFile(fallback.resolve("manifest.json"))) {
            log.println("twin up: no " + PREFERRED + " bundle at " + preferred + " (build it with: twin eval --suite "
                    + PREFERRED + "); serving the cached " + FALLBACK + " bundle " + fallback);
            return fallback;
        }
        log.println("twin up: no " + PREFERRED + " bundle at " + preferred + " (build it with: twin eval --suite "
                + PREFERRED + "); building the " + FALLBACK + " suite's bundle in " + fallback);
        return build(Suites.byName(FALLBACK, DataLocator.standard()), fallback, log).dir();
    }

    /**
     * The suite and bundle of {@code twin demo}: fashion-mnist-8 (its data installed when missing and possible, the
     * bundle built when missing), else synthetic with the message of {@link Suites#resolve}.
     */
    public static Served forDemo(PrintStream log) {
        TaskSuite suite = Suites.resolve(PREFERRED, DataLocator.standard(), log);
        Path dir = dirOf(suite.name());
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            return new Served(suite, dir);
        }
        log.println("twin demo: no bundle at " + dir + "; building it (experts trained once and cached)");
        return new Served(suite, build(suite, dir, log).dir());
    }

    private static Bundle build(TaskSuite suite, Path dir, PrintStream log) {
        double lambda = suite.name().equals(FashionMnist8Suite.NAME) ? FASHION_LAMBDA : LAMBDA;
        TwinRecipe d = TwinRecipe.defaults(lambda);
        TwinRecipe recipe = new TwinRecipe(d.sharedMethod(), lambda, d.density(), d.compressMethod(), suite.twinRank(),
                d.compressDensity(), d.router(), d.temperature(), d.seed());
        return SuiteBundler.build(suite, SuiteModelCache.loadOrTrain(suite, log), recipe, dir, log);
    }

    private static Path dirOf(String suite) {
        return TwinPaths.cacheDir().resolve("bundles").resolve(suite);
    }
}
