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
import java.util.Map;
import org.apache.commons.io.file.PathUtils;

/**
 * Builds a bundle of the {@code synthetic} suite before the service starts and points twin.router.bundle at it. The
 * bundle is built once per test JVM and shared by the test classes (each gets its own app): a second router training
 * in the same JVM trips DJL ("a leaf Variable that requires grad is being used in an in-place operation"). It stays
 * under target/ until the JVM exits.
 */
public class SyntheticBundle implements QuarkusTestResourceLifecycleManager {
    public static final String SUITE = "synthetic";
    private static final String BUILT = "twin.test.synthetic-bundle";
    private Path dir;

    public static TaskSuite suite() {
        return Suites.byName(SUITE, DataLocator.standard());
    }

    @Override
    public Map<String, String> start() {
        // a JVM-wide memo: Quarkus may load this class anew for each app, a system property it shares
        synchronized (System.class) {
            String built = System.getProperty(BUILT);
            if (built == null) {
                Path d = build();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
                built = d.toString();
                System.setProperty(BUILT, built);
            }
            dir = Path.of(built);
        }
        return Map.of("twin.router.bundle", dir.toString());
    }

    private static Path build() {
        try {
            Path d = Files.createTempDirectory(Path.of("target"), "bundle-").toAbsolutePath();
            SuiteBundler.build(suite(), TwinRecipe.defaults(0.5), d, System.out);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the shared bundle outlives this app (see the class comment)
    }

    private static void delete(Path dir) {
        try {
            PathUtils.deleteDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
