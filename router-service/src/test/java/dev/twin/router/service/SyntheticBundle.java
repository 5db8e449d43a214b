package dev.twin.router.service;

import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/** Builds a bundle of the {@code synthetic} suite before the service starts and points twin.router.bundle at it. */
public class SyntheticBundle implements QuarkusTestResourceLifecycleManager {
    public static final String SUITE = "synthetic";
    private Path dir;

    public static TaskSuite suite() {
        return Suites.byName(SUITE, DataLocator.standard());
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(Path.of("target"), "bundle-").toAbsolutePath();
            TaskSuite suite = suite();
            SuiteBundler.build(suite, TwinRecipe.defaults(0.5), dir, System.out);
            return Map.of("twin.router.bundle", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
