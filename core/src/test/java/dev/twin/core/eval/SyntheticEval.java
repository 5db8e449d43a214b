package dev.twin.core.eval;

import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code twin eval} on the synthetic suite, run once per test JVM and shared by the test classes that check rows
 * against it (its per-request materializations are the slow part).
 */
final class SyntheticEval {
    private static EvalReport report;
    private static Path bundle;

    private SyntheticEval() {
    }

    static synchronized EvalReport report() {
        if (report == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "synthetic-eval");
                bundle = dir.resolve("bundle");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            report = SuiteEvaluation.run(Suites.byName("synthetic", DataLocator.standard()), EvalConfig.defaults(),
                    bundle, new PrintStream(new ByteArrayOutputStream()));
        }
        return report;
    }

    /** The bundle that evaluation wrote. */
    static synchronized Path bundle() {
        report();
        return bundle;
    }
}
