package dev.twin.it;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.commons.io.file.PathUtils;

/**
 * The synthetic bundle (task-arithmetic λ = 0.5, the default recipe) that the stack tests serve, built once per build
 * and shared: its router training alone took 3–31 s per test class on CI. The services only read a bundle, so one
 * directory serves every stack. Both failsafe forks come here; a file lock lets one build while the other waits, and
 * a marker written after the build tells a later fork (or a re-run) that the directory is complete.
 */
final class SyntheticBundle {
    private static final Path DIR = Path.of("target", "it-bundle-synthetic").toAbsolutePath();
    private static final Path LOCK = Path.of("target", "it-bundle-synthetic.lock").toAbsolutePath();
    private static final Path DONE = Path.of("target", "it-bundle-synthetic.done").toAbsolutePath();

    private SyntheticBundle() {
    }

    static TaskSuite suite() {
        return Suites.byName("synthetic", DataLocator.standard());
    }

    static synchronized Bundle get() {
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (!Files.exists(DONE)) {
                deleteTree(DIR); // a build that died half-way
                TaskSuite suite = suite();
                SuiteBundler.build(suite, SuiteModelCache.loadOrTrain(suite, System.out), TwinRecipe.defaults(0.5),
                        DIR, System.out);
                Files.writeString(DONE, "built\n");
            }
            return Bundle.load(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("shared synthetic bundle in " + DIR, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            PathUtils.deleteDirectory(dir);
        }
    }
}
