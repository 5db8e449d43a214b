package dev.twin.executor;

import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a bundle of the {@code synthetic} suite (models come from core's trained-model cache) before the service
 * starts, and points {@code twin.executor.bundle} at it.
 */
public class SyntheticBundle implements QuarkusTestResourceLifecycleManager {
    private Path dir;
    public static final String SUITE = "synthetic";

    public static TaskSuite suite() {
        return Suites.byName(SUITE, DataLocator.standard());
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("target"), "bundle-").toAbsolutePath();
            TaskSuite suite = suite();
            SuiteBundler.build(suite, TwinRecipe.defaults(0.5), dir, System.out);
            return Map.of("twin.executor.bundle", dir.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try {
            org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
