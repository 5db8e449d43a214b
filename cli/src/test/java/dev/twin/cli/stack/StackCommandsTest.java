package dev.twin.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.TwinCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of up/down that need no running stack: the record, missing jars, bad bundles, nothing to stop. */
class StackCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void recordRoundTripsThroughStackJson() {
        StackRecord r = new StackRecord(new StackEndpoints("127.0.0.1:1", "127.0.0.1:2", "http://127.0.0.1:2", "twin"),
                Path.of("/b"), Path.of("/w/kafka"), 42, List.of(new StackRecord.Service("executor-service", 7, 3,
                Path.of("/r/executor-service/target/quarkus-app/quarkus-run.jar"))));
        r.write(tmp);
        assertEquals(r, StackRecord.read(tmp));
        StackRecord.delete(tmp);
        assertNull(StackRecord.read(tmp));
    }

    @Test
    void missingServiceJarNamesTheBuildCommand() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServiceJar.of(tmp, "router-service"));
        assertTrue(e.getMessage().contains("router-service is not built"), e.getMessage());
        assertTrue(e.getMessage().contains(
                "./mvnw -B -pl router-service,merger-service,executor-service -am package -Dmaven.test.skip=true"),
                e.getMessage());
    }

    @Test
    void downWithNothingRecordedSaysSoAndSucceeds() {
        String out = run(0, "down", "--workdir", tmp.toString());
        assertTrue(out.contains("nothing to stop: no running stack recorded in " + tmp.toAbsolutePath().normalize()),
                out);
    }

    @Test
    void upRejectsABundleThatDoesNotLoadBeforeStartingAnything() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("not-a-bundle"));
        Path work = tmp.resolve("work");
        String err = run(1, "up", "--bundle", bundle.toString(), "--workdir", work.toString());
        assertTrue(err.contains("bundle " + bundle.toAbsolutePath().normalize() + " does not load"), err);
        assertTrue(Files.notExists(work), "nothing started, no working directory made");
    }

    /** Runs twin with stdout and stderr captured; checks the exit code; returns both outputs. */
    private static String run(int expectedExit, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            assertEquals(expectedExit, TwinCommand.execute(args), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
