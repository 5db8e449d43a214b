package dev.twin.cli;

import dev.twin.cli.security.DevCertificates;
import dev.twin.cli.security.StackSecurity;
import dev.twin.cli.security.TlsFiles;
import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackEndpoints;
import dev.twin.cli.stack.StackRecord;
import dev.twin.core.runtime.TwinPaths;
import java.io.PrintStream;
import java.nio.file.Files;
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

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "turn tracing on in every service and export spans over OTLP/gRPC to URL "
                    + "(e.g. http://127.0.0.1:4317); default: tracing off")
    String otlpEndpoint;

    @Option(names = "--secure", defaultValue = "${env:TWIN_SECURE:-false}",
            description = "TLS and SASL everywhere (env TWIN_SECURE=true): Kafka over SASL_SSL with SCRAM-SHA-512, the "
                    + "router and executors on HTTPS/gRPC TLS only, mutual TLS from the merger to the executors and "
                    + "Install only from the merger's certificate; certificates and passwords from --tls-dir")
    boolean secure;

    @Option(names = "--tls-dir", paramLabel = "DIR", defaultValue = "${env:TWIN_TLS_DIR}",
            description = "ca.pem, server.p12, merger.p12, client.p12, store.password, kafka.password (env TWIN_TLS_DIR; "
                    + "default <workdir>/tls; made with keytool when DIR has no CA yet); implies --secure")
    Path tlsDir;

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
        Stack.Options options = Stack.Options.defaults().withInstances(routers, mergers, executors);
        if (otlpEndpoint != null) {
            options = options.withTracing(otlpEndpoint);
        }
        TlsFiles tls = null;
        if (secure || tlsDir != null) {
            tls = new TlsFiles(tlsDir != null ? tlsDir : work.resolve("tls"));
            if (!Files.exists(tls.caPem())) {
                log.println("making a development CA and certificates with keytool in " + tls.dir());
                DevCertificates.create(tls.dir());
            }
            options = options.withSecurity(new StackSecurity(tls));
        }
        StackRecord record = Stack.up(dir, work, options, log);
        StackEndpoints e = record.endpoints();
        if (json != null) {
            e.writeJson(json);
        }
        var out = spec.commandLine().getOut();
        out.printf("stack ready in %.1f s (bundle %s, model '%s')%n", (System.nanoTime() - t0) / 1e9, dir, e.model());
        out.println("  kafka bootstrap: " + e.bootstrap());
        out.println("  gRPC (OIP):      " + e.grpc());
        out.println("  REST (OIP):      " + e.http() + "/v2/models/" + e.model() + "/infer");
        out.println("  dashboard:       " + e.dashboard());
        for (StackRecord.Service s : record.services()) {
            out.printf("  %-18s pid %d, port %d%n", s.name() + ":", s.pid(), s.port());
        }
        out.println("  logs and pids:   " + work.toAbsolutePath().normalize());
        if (tls != null) {
            out.println("  security:        Kafka SASL_SSL, SCRAM-SHA-512 user '" + TlsFiles.KAFKA_USER + "' (password in "
                    + tls.kafkaPasswordFile() + "); TLS verified with " + tls.caPem());
        }
        out.println("stop with: twin down" + (workDir != null ? " --workdir " + workDir : ""));
        out.flush();
        return 0;
    }

    static Path defaultWorkDir() {
        return TwinPaths.cacheDir().resolve("stack");
    }
}
