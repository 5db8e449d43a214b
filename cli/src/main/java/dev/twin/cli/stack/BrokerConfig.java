package dev.twin.cli.stack;

import dev.twin.cli.security.BrokerSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of one single-node KRaft broker (broker and controller in one process) in its working directory:
 * {@code server.properties}, {@code log4j2.properties}, data under {@code data/}, {@code broker.log},
 * {@code broker.pid}. With {@code security}, clients use SASL_SSL on {@code port} (see BrokerSecurity).
 */
public record BrokerConfig(Path workDir, int port, int controllerPort, Optional<BrokerSecurity> security) {

    /** Fixed so that a restart on the same data directory passes the format step (base64 of 16 bytes). */
    public static final String CLUSTER_ID = "dHdpbi1rYWZrYS1jbHVzdA";

    /** A plaintext broker. */
    public BrokerConfig(Path workDir, int port, int controllerPort) {
        this(workDir, port, controllerPort, Optional.empty());
    }

    public BrokerConfig {
        workDir = workDir.toAbsolutePath().normalize();
        for (int p : new int[] {port, controllerPort}) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("Kafka port " + p + " is not in 1..65535");
            }
        }
        if (port == controllerPort) {
            throw new IllegalArgumentException("Kafka broker port and controller port must differ, both are " + port);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Where admin work connects (the SSL listener on a secured broker) and the client settings it needs there. */
    public String adminBootstrap() {
        return security.map(BrokerSecurity::adminBootstrap).orElse(bootstrap());
    }

    public Map<String, String> adminClient() {
        return security.map(s -> s.admin().kafka()).orElse(Map.of());
    }

    public Path serverProperties() {
        return workDir.resolve("server.properties");
    }

    public Path log4jConfig() {
        return workDir.resolve("log4j2.properties");
    }

    public Path dataDir() {
        return workDir.resolve("data");
    }

    public Path logFile() {
        return workDir.resolve("broker.log");
    }

    public Path formatLogFile() {
        return workDir.resolve("format.log");
    }

    public Path pidFile() {
        return pidFile(workDir);
    }

    static Path pidFile(Path workDir) {
        return workDir.toAbsolutePath().normalize().resolve("broker.pid");
    }

    /**
     * The configuration a broker of {@code workDir} was last started with (its ports, read back from the
     * server.properties written then), so that it can be started again on the same data and ports.
     */
    public static BrokerConfig read(Path workDir) {
        Path props = workDir.toAbsolutePath().normalize().resolve("server.properties");
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newInputStream(props)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no Kafka broker configuration to restart from: cannot read " + props, e);
        }
        String listeners = p.getProperty("listeners", "");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("PLAINTEXT://[^,:]+:(\\d+).*CONTROLLER://[^,:]+:(\\d+)").matcher(listeners);
        if (!m.find()) {
            throw new IllegalStateException(props + ": listeners '" + listeners + "' do not name the PLAINTEXT and "
                    + "CONTROLLER ports");
        }
        return new BrokerConfig(workDir, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Writes server.properties and log4j2.properties (replacing earlier ones) and creates the data directory. */
    public void write() {
        try {
            Files.createDirectories(dataDir());
            // owner-only: a secured broker's file holds its key store password
            Files.deleteIfExists(serverProperties());
            Files.createFile(serverProperties(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(serverProperties(), serverPropertiesText());
            Files.writeString(log4jConfig(), LOG4J2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka broker configuration in " + workDir, e);
        }
    }

    String serverPropertiesText() {
        List<String> listeners = security.map(s -> s.serverProperties(port, controllerPort)).orElse(List.of(
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        List<String> lines = new ArrayList<>(List.of(
                "# written by twin (dev.twin.cli.stack.BrokerConfig): single-node KRaft broker on loopback",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort));
        lines.addAll(listeners);
        lines.addAll(List.of(
                "log.dirs=" + dataDir(),
                // one node: every internal topic and every default must fit on a single replica
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // fewer __consumer_offsets partitions than the default 50: the first group join loads them all
                "offsets.topic.num.partitions=8",
                "num.partitions=1",
                // a consumer group forms at once instead of waiting 3 s for more members
                "group.initial.rebalance.delay.ms=0",
                // the log cleaner (compacted __consumer_offsets and twin.executors) allocates its dedupe buffer on
                // the heap: Kafka's 128 MiB default sat in the old generation of the 512 MiB heap above G1's marking
                // threshold, so the broker ran a concurrent cycle every few seconds (40 in 2.5 min under load);
                // 16 MiB still maps some 700,000 keys, far more than these topics hold
                "log.cleaner.dedupe.buffer.size=16777216",
                ""));
        return String.join("\n", lines);
    }

    private static final String LOG4J2 = String.join("\n",
            "# written by twin: the broker logs to stdout, which twin redirects to broker.log",
            "status = warn",
            // keep logging during Kafka's own shutdown hook (log4j's hook would stop it midway)
            "shutdownHook = disable",
            "appender.out.type = Console",
            "appender.out.name = OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            // the format step runs at WARN (-Dtwin.kafka.log.level): at INFO it dumps the whole configuration
            "rootLogger.level = ${sys:twin.kafka.log.level:-INFO}",
            "rootLogger.appenderRef.out.ref = OUT",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = WARN",
            "");
}
