package dev.twin.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.twin.cli.security.BrokerSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One real Kafka broker process: a single-node KRaft broker+controller on 127.0.0.1, run from the kafka jars
 * ({@link KafkaLib}) as a child JVM, with its configuration, data, log and pid file in a working directory.
 * The process outlives this object (and the CLI) until {@link #stop()} or {@link #stopByPidFile(Path)}.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Bound on format + start until the broker answers describeCluster (generous: 2 cores shared). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Bound on a graceful stop after SIGTERM before the process is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    static final String MAIN_CLASS = "kafka.Kafka";
    static final String FORMAT_CLASS = "kafka.tools.StorageTool";
    static final String HEAP = "-Xmx512m";
    /**
     * The GC settings Kafka's own start script (kafka-run-class.sh) gives a broker: G1 sized for 20 ms pauses. Started
     * without them (G1's 200 ms goal), the broker's young pauses were 10–54 ms every 2–3 s under the bench's load, the
     * longest of the stack's JVMs, and every stage waits on the broker (1 Dec 2026).
     */
    static final List<String> GC = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");
    private static final int TAIL_LINES = 40;

    private final KafkaLib lib;
    private BrokerConfig config;
    private Process process;

    /** A broker run from the jars {@link KafkaLib#locate()} finds. */
    public KafkaBroker() {
        this(KafkaLib.locate());
    }

    public KafkaBroker(KafkaLib lib) {
        this.lib = lib;
    }

    /**
     * Formats {@code workDir}'s data (once; a later start reuses it thanks to the fixed cluster id), starts the broker
     * on {@code port} with its controller on {@code controllerPort}, records its pid and waits until it answers a
     * describeCluster. Returns the bootstrap address. On failure the process is gone and the message carries the
     * tail of its log.
     */
    public synchronized String start(Path workDir, int port, int controllerPort) {
        return start(workDir, port, controllerPort, Optional.empty());
    }

    /**
     * {@link #start(Path, int, int)} with TLS and SASL: clients use SASL_SSL (SCRAM-SHA-512) on {@code port}, admin
     * work the mutual-TLS listener of {@code security} ({@link #config()} says how to reach each).
     */
    public synchronized String start(Path workDir, int port, int controllerPort, Optional<BrokerSecurity> security) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("this Kafka broker already runs (pid " + process.pid() + ", "
                    + config.bootstrap() + ")");
        }
        BrokerConfig cfg = new BrokerConfig(workDir, port, controllerPort, security);
        Optional<ProcessHandle> running = runningBroker(cfg.workDir());
        if (running.isPresent()) {
            throw new IllegalStateException("a Kafka broker (pid " + running.get().pid() + ") already runs from "
                    + cfg.workDir() + "; stop it first (twin down)");
        }
        Ports.requireFree(port, "Kafka broker");
        Ports.requireFree(controllerPort, "Kafka controller");
        if (security.isPresent()) {
            Ports.requireFree(security.get().sslPort(), "Kafka SSL listener");
        }
        cfg.write();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        if (!formattedByUs(cfg.dataDir())) {
            format(cfg); // a restart on our own formatted data skips this JVM (seconds on a loaded machine)
        }

        long logStart = ChildProcesses.sizeOf(cfg.logFile());
        ProcessBuilder pb = new ProcessBuilder(Detached.command(javaCommand(cfg, brokerJvmOptions(), MAIN_CLASS,
                List.of(cfg.serverProperties().toString()))))
                .directory(cfg.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(cfg.logFile().toFile()));
        Process p = launch(pb, "Kafka broker");
        closeStdin(p);
        this.process = p;
        this.config = cfg;
        try {
            Files.writeString(cfg.pidFile(), p.pid() + "\n");
            awaitReady(cfg, p, deadline, logStart);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            ChildProcesses.awaitExit(p.toHandle(), Duration.ofSeconds(10));
            deleteQuietly(cfg.pidFile());
            this.process = null;
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write " + cfg.pidFile(), io);
            }
            throw (RuntimeException) e;
        }
        return cfg.bootstrap();
    }

    /** The bootstrap address of the running broker. */
    public synchronized String bootstrap() {
        requireStarted();
        return config.bootstrap();
    }

    /** The configuration of the running broker (addresses and client settings of its listeners). */
    public synchronized BrokerConfig config() {
        requireStarted();
        return config;
    }

    /** The broker process id. */
    public synchronized long pid() {
        requireStarted();
        return process.pid();
    }

    /** SIGTERM, wait up to {@link #STOP_TIMEOUT}, then kill; removes the pid file. No-op when not running. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        ChildProcesses.terminate(process.toHandle(), STOP_TIMEOUT);
        deleteQuietly(config.pidFile());
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Stops the broker whose pid {@code workDir}'s pid file records (for {@code twin down} in another JVM; a broker of
     * this directory is found even when the pid file is lost). Returns false when no broker of this directory runs;
     * a stale pid file is removed.
     */
    public static boolean stopByPidFile(Path workDir) {
        Path pidFile = BrokerConfig.pidFile(workDir);
        Optional<ProcessHandle> broker = runningBroker(workDir.toAbsolutePath().normalize());
        broker.ifPresent(h -> ChildProcesses.terminate(h, STOP_TIMEOUT));
        deleteQuietly(pidFile);
        return broker.isPresent();
    }

    /**
     * Kills the broker of {@code workDir} with SIGKILL (a crash: no controlled shutdown, nothing flushed by Kafka)
     * and waits until it is gone; the data stay for a restart ({@link #start} on the same directory and ports, see
     * {@link BrokerConfig#read}). Returns the killed pid, or -1 when no broker of this directory runs.
     */
    public static long kill(Path workDir) {
        Optional<ProcessHandle> broker = runningBroker(workDir.toAbsolutePath().normalize());
        broker.ifPresent(h -> {
            h.destroyForcibly();
            ChildProcesses.awaitExit(h, ChildProcesses.KILL_WAIT);
        });
        deleteQuietly(BrokerConfig.pidFile(workDir));
        return broker.map(ProcessHandle::pid).orElse(-1L);
    }

    /**
     * The live broker process of this directory: the one its pid file names, else (pid file lost) any process running
     * {@code kafka.Kafka} on this directory's server.properties. Two brokers on one data directory corrupt its
     * metadata log (measured: Kafka's own lock is taken too late to prevent it), so this guard matters.
     */
    static Optional<ProcessHandle> runningBroker(Path workDir) {
        String serverProperties = workDir.resolve("server.properties").toString();
        Path pidFile = BrokerConfig.pidFile(workDir);
        if (Files.isRegularFile(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(p -> runs(p, serverProperties));
                if (h.isPresent()) {
                    return h;
                }
            } catch (IOException | NumberFormatException e) {
                // unreadable or stale: fall back to the process scan
            }
        }
        return ProcessHandle.allProcesses().filter(p -> runs(p, serverProperties)).findFirst();
    }

    private static boolean runs(ProcessHandle h, String serverProperties) {
        return h.isAlive() && h.info().arguments()
                .map(args -> List.of(args).contains(MAIN_CLASS) && List.of(args).contains(serverProperties))
                .orElse(false);
    }

    /** Whether the data directory was formatted with this project's fixed cluster id (else the format must run). */
    private static boolean formattedByUs(Path dataDir) {
        Path meta = dataDir.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return false;
        }
        Properties p = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(meta)) {
            p.load(r);
        } catch (java.io.IOException e) {
            return false; // unreadable: let the format say what is wrong with it
        }
        return BrokerConfig.CLUSTER_ID.equals(p.getProperty("cluster.id"));
    }

    private void format(BrokerConfig cfg) {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(cfg, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dtwin.kafka.log.level=WARN"),
                FORMAT_CLASS, List.of("format", "--ignore-formatted", "-t", BrokerConfig.CLUSTER_ID,
                        "-c", cfg.serverProperties().toString())))
                .directory(cfg.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(cfg.formatLogFile().toFile());
        Process p = launch(pb, "Kafka storage format");
        closeStdin(p);
        boolean done;
        try {
            done = p.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage in " + cfg.dataDir(), e);
        }
        if (!done) {
            p.destroyForcibly();
            throw new IllegalStateException("formatting Kafka storage in " + cfg.dataDir() + " did not finish within "
                    + FORMAT_TIMEOUT.toSeconds() + " s; " + cfg.formatLogFile() + " ends with:\n"
                    + LogTail.of(cfg.formatLogFile(), 0, TAIL_LINES));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + cfg.dataDir() + " failed (exit "
                    + p.exitValue() + "; data of another cluster or node cannot be reused: delete the directory to "
                    + "start afresh); " + cfg.formatLogFile() + " ends with:\n" + LogTail.of(cfg.formatLogFile(), 0, TAIL_LINES));
        }
    }

    /** Waits for the listener port, then for a real describeCluster answer; fails fast when the process dies. */
    private static void awaitReady(BrokerConfig cfg, Process p, long deadline, long logStart) {
        while (!portAnswers(cfg.port())) {
            checkAlive(cfg, p, logStart);
            checkDeadline(cfg, deadline, logStart);
            ChildProcesses.sleep(100, "the Kafka broker");
        }
        Properties props = new Properties();
        props.putAll(cfg.adminClient());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.adminBootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                checkAlive(cfg, p, logStart);
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not ready yet: the listener is up before the broker is registered with its controller
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                }
                checkDeadline(cfg, deadline, logStart);
                ChildProcesses.sleep(200, "the Kafka broker");
            }
        }
    }

    private static void checkAlive(BrokerConfig cfg, Process p, long logStart) {
        if (!p.isAlive()) {
            throw new IllegalStateException("Kafka broker on " + cfg.bootstrap() + " (controller port "
                    + cfg.controllerPort() + ") exited with code " + p.exitValue() + " before it was ready"
                    + firstError(cfg, logStart) + "\n" + cfg.logFile() + " ends with:\n"
                    + LogTail.of(cfg.logFile(), logStart, TAIL_LINES));
        }
    }

    private static void checkDeadline(BrokerConfig cfg, long deadline, long logStart) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka broker on " + cfg.bootstrap() + " not ready within "
                    + START_TIMEOUT.toSeconds() + " s" + firstError(cfg, logStart) + "\n" + cfg.logFile() + " ends with:\n"
                    + LogTail.of(cfg.logFile(), logStart, TAIL_LINES));
        }
    }

    private static String firstError(BrokerConfig cfg, long logStart) {
        String error = LogTail.firstError(cfg.logFile(), logStart);
        return error.isEmpty() ? "" : "\nfirst error:\n" + error;
    }

    private static boolean portAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> brokerJvmOptions() {
        List<String> options = new ArrayList<>(List.of(HEAP, "-Xms128m"));
        options.addAll(GC);
        options.addAll(StackJvmOptions.fromEnvironment());
        return options;
    }

    private List<String> javaCommand(BrokerConfig cfg, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + cfg.log4jConfig());
        cmd.add("-cp");
        cmd.add(lib.classpath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    private static Process launch(ProcessBuilder pb, String what) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + what + " (" + pb.command().get(0) + ")", e);
        }
    }

    private static void closeStdin(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the child never reads stdin
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a stale pid file is detected by runningBroker anyway
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("the Kafka broker is not started");
        }
    }
}
