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
    void instancesAreAddedAndRemovedInTheRecordByName() {
        Path jar = Path.of("/r/executor-service/target/quarkus-app/quarkus-run.jar");
        StackRecord r = new StackRecord(new StackEndpoints("127.0.0.1:1", "127.0.0.1:2", "http://127.0.0.1:2", "twin"),
                Path.of("/b"), Path.of("/w/kafka"), 42, List.of(new StackRecord.Service("executor-service", 7, 3, jar),
                new StackRecord.Service("merger-service", 8, 4, jar)));
        StackRecord grown = r.with(new StackRecord.Service(Stack.executorName(1), 9, 5, jar))
                .with(new StackRecord.Service(Stack.instanceName("executor-service", 2), 10, 6, jar));
        assertEquals(List.of("executor-service", "executor-service-2", "executor-service-3"),
                grown.instances("executor-service").stream().map(StackRecord.Service::name).toList());
        assertEquals(List.of("merger-service"),
                grown.instances("merger-service").stream().map(StackRecord.Service::name).toList());
        StackRecord shrunk = grown.without("executor-service-2");
        assertEquals(List.of("executor-service", "executor-service-3"),
                shrunk.instances("executor-service").stream().map(StackRecord.Service::name).toList());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> shrunk.without("executor-service-2"))
                .getMessage().contains("no service 'executor-service-2'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> shrunk.with(
                new StackRecord.Service("merger-service", 1, 1, jar))).getMessage().contains("already in the stack"));
    }

    @Test
    void addAndRemoveNeedARecordedStackAndRemoveKeepsTheFirstInstance() {
        assertTrue(assertThrows(IllegalStateException.class, () -> Stack.add(tmp, "executor-service", System.out))
                .getMessage().contains("no stack recorded in"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Stack.add(tmp, "gateway", System.out))
                .getMessage().contains("no service 'gateway'"));
        new StackRecord(new StackEndpoints("127.0.0.1:1", "127.0.0.1:2", "http://127.0.0.1:2", "twin"), Path.of("/b"),
                Path.of("/w/kafka"), 42, List.of(new StackRecord.Service("executor-service", 7, 3,
                Path.of("/r/x.jar")))).write(tmp);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Stack.remove(tmp, "executor-service",
                System.out)).getMessage().contains("is the first instance of its service"));
    }

    @Test
    void upRefusesInstanceCountsBelowOne() {
        String err = run(2, "up", "--executors", "0", "--workdir", tmp.resolve("w").toString());
        assertTrue(err.contains("--routers, --mergers and --executors must be at least 1, got 1, 1 and 0"), err);
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
