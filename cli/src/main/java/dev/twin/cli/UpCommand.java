package dev.twin.cli;

import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackEndpoints;
import dev.twin.cli.stack.StackRecord;
import dev.twin.core.runtime.TwinPaths;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin up}: the serving stack on loopback, detached, ready when this returns. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a single-node Kafka broker (KRaft), create the topics, start executor-, merger- and "
                + "router-service as background processes, wait until all are ready and print the endpoints. "
                + "Stop them with: twin down")
final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "bundle to serve (default: ~/.cache/twin/bundles/fashion-mnist-8, else the synthetic suite's)")
    Path bundle;

    @Option(names = "--json", paramLabel = "FILE", description = "write {\"bootstrap\", \"grpc\", \"http\", \"model\"}")
    Path json;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "broker data, logs and the record of pids (default: ~/.cache/twin/stack)")
    Path workDir;

    @Option(names = "--routers", paramLabel = "N", defaultValue = "1",
            description = "router instances, sharing twin.requests in group twin-router (default: ${DEFAULT-VALUE})")
    int routers;

    @Option(names = "--mergers", paramLabel = "M", defaultValue = "1",
            description = "merger instances, sharing twin.routed in group twin-merger (default: ${DEFAULT-VALUE})")
    int mergers;

    @Option(names = "--executors", paramLabel = "K", defaultValue = "1",
            description = "executor instances; mergers find them through heartbeats on twin.executors "
                    + "(default: ${DEFAULT-VALUE})")
    int executors;

    @Override
    public Integer call() {
        if (routers < 1 || mergers < 1 || executors < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--routers, --mergers and --executors must "
                    + "be at least 1, got " + routers + ", " + mergers + " and " + executors);
        }
        PrintStream log = new PrintStream(System.err, true); // progress on stderr, endpoints on stdout
        long t0 = System.nanoTime();
        Path dir = bundle != null ? bundle : DefaultBundle.resolve(log);
        Path work = workDir != null ? workDir : defaultWorkDir();
        StackRecord record = Stack.up(dir, work, Stack.Options.defaults().withInstances(routers, mergers, executors),
                log);
        StackEndpoints e = record.endpoints();
        if (json != null) {
            e.writeJson(json);
        }
        var out = spec.commandLine().getOut();
        out.printf("stack ready in %.1f s (bundle %s, model '%s')%n", (System.nanoTime() - t0) / 1e9, dir, e.model());
        out.println("  kafka bootstrap: " + e.bootstrap());
        out.println("  gRPC (OIP):      " + e.grpc());
        out.println("  REST (OIP):      " + e.http() + "/v2/models/" + e.model() + "/infer");
        for (StackRecord.Service s : record.services()) {
            out.printf("  %-18s pid %d, port %d%n", s.name() + ":", s.pid(), s.port());
        }
        out.println("  logs and pids:   " + work.toAbsolutePath().normalize());
        out.println("stop with: twin down" + (workDir != null ? " --workdir " + workDir : ""));
        out.flush();
        return 0;
    }

    static Path defaultWorkDir() {
        return TwinPaths.cacheDir().resolve("stack");
    }
}
