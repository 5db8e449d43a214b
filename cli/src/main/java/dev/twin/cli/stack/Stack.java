package dev.twin.cli.stack;

import dev.twin.core.bundle.Bundle;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole serving stack on loopback: a KRaft broker, the four topics, and executor-, merger- and router-service as
 * detached processes. {@link #up} returns once every part is ready and records the pids in the working directory;
 * {@link #down} stops what that record names.
 */
public final class Stack {
    /** Bound on the services' start after the broker is ready (2 shared cores: Quarkus + DJL + ONNX load). */
    public static final Duration SERVICES_TIMEOUT = Duration.ofSeconds(180);
    public static final String MODEL = "twin";
    public static final int PARTITIONS = 4;
    static final String EXECUTOR = "executor-service";
    static final String MERGER = "merger-service";
    static final String ROUTER = "router-service";

    private Stack() {
    }

    /**
     * How to run the stack: the number of executor processes (the merger spreads clusters over them) and extra
     * {@code -D} settings per service (e.g. {@code twin.router.grouping.strategy}), over the services' defaults.
     */
    public record Options(int executors, Map<String, String> router, Map<String, String> merger,
                          Map<String, String> executor) {
        public Options {
            if (executors < 1) {
                throw new IllegalArgumentException("the stack needs at least one executor, got " + executors);
            }
            router = Map.copyOf(router);
            merger = Map.copyOf(merger);
            executor = Map.copyOf(executor);
        }

        public static Options defaults() {
            return new Options(1, Map.of(), Map.of(), Map.of());
        }

        public Options withExecutors(int n) {
            return new Options(n, router, merger, executor);
        }

        public Options withRouter(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(router);
            m.put(key, value);
            return new Options(executors, m, merger, executor);
        }

        public Options withMerger(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(merger);
            m.put(key, value);
            return new Options(executors, router, m, executor);
        }
    }

    /** The name of the i-th executor (0-based): executor-service, executor-service-2, ... */
    public static String executorName(int i) {
        return i == 0 ? EXECUTOR : EXECUTOR + "-" + (i + 1);
    }

    /** The broker's directory inside a stack's working directory. */
    public static Path brokerDir(Path workDir) {
        return workDir.resolve("kafka");
    }

    /**
     * Starts the stack serving {@code bundleDir} from {@code workDir}; on any failure stops what it started and throws
     * with the reason (a service's log tail included).
     */
    public static StackRecord up(Path bundleDir, Path workDir, PrintStream log) {
        return up(bundleDir, workDir, Options.defaults(), log);
    }

    /** {@link #up(Path, Path, PrintStream)} with {@code options}. */
    public static StackRecord up(Path bundleDir, Path workDir, Options options, PrintStream log) {
        Path work = workDir.toAbsolutePath().normalize();
        Path bundle = bundleDir.toAbsolutePath().normalize();
        requireNotRunning(work);
        try {
            Bundle.load(bundle);
        } catch (RuntimeException e) {
            throw new IllegalStateException("bundle " + bundle + " does not load: " + e.getMessage(), e);
        }
        Path root = ServiceJar.root();
        Path executorJar = ServiceJar.of(root, EXECUTOR);
        Path mergerJar = ServiceJar.of(root, MERGER);
        Path routerJar = ServiceJar.of(root, ROUTER);
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create working directory " + work + ": " + e.getMessage(), e);
        }
        int execs = options.executors();
        int[] ports = Ports.free(4 + execs); // broker, controller, merger, router, executors
        KafkaBroker broker = new KafkaBroker();
        List<ServiceProcess.Started> started = new ArrayList<>();
        try {
            log.println("starting Kafka broker (KRaft) on 127.0.0.1:" + ports[0] + " ...");
            String bootstrap = broker.start(brokerDir(work), ports[0], ports[1]);
            Topics.create(bootstrap, Topics.DEFAULTS, PARTITIONS);
            log.println("topics " + String.join(", ", Topics.DEFAULTS) + " ready on " + bootstrap);

            List<String> executorAddresses = new ArrayList<>();
            for (int i = 0; i < execs; i++) {
                int port = ports[4 + i];
                executorAddresses.add("127.0.0.1:" + port);
                started.add(ServiceProcess.start(new ServiceProcess.Spec(executorName(i), executorJar, port, "768m",
                        merged(merged(sharedMachine("twin.executor.threads", "TWIN_EXECUTOR_THREADS"),
                                props("twin.executor.bundle", bundle.toString())), options.executor())), work));
            }
            started.add(ServiceProcess.start(new ServiceProcess.Spec(MERGER, mergerJar, ports[2], "1g", merged(props(
                    "twin.merger.bundle", bundle.toString(), "twin.merger.executors",
                    String.join(",", executorAddresses), "kafka.bootstrap.servers", bootstrap), options.merger())),
                    work));
            started.add(ServiceProcess.start(new ServiceProcess.Spec(ROUTER, routerJar, ports[3], "768m", merged(merged(
                    sharedMachine("twin.router.onnx-threads", "TWIN_ROUTER_ONNX_THREADS"), props(
                    "twin.router.bundle", bundle.toString(), "twin.router.model-name", MODEL,
                    "kafka.bootstrap.servers", bootstrap)), options.router())), work));
            StackEndpoints endpoints = new StackEndpoints(bootstrap, "127.0.0.1:" + ports[3],
                    "http://127.0.0.1:" + ports[3], MODEL);
            List<StackRecord.Service> services = started.stream().map(s -> new StackRecord.Service(s.spec().name(),
                    s.pid(), s.spec().port(), s.spec().jar(), s.spec().heap(), s.spec().properties())).toList();
            // recorded before waiting, so that twin down can stop them even if this CLI is killed while it waits
            StackRecord record = new StackRecord(endpoints, bundle, brokerDir(work), broker.pid(), services);
            record.write(work);
            log.println("started " + services.stream().map(s -> s.name() + " (pid " + s.pid() + ")").toList()
                    + "; waiting until they are ready (logs in " + work + ")");
            long deadline = System.nanoTime() + SERVICES_TIMEOUT.toNanos();
            for (ServiceProcess.Started s : started) {
                ServiceProcess.awaitReady(s, deadline, SERVICES_TIMEOUT);
            }
            return record;
        } catch (RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                ServiceProcess.stop(started.get(i).pid(), started.get(i).spec().jar());
            }
            broker.stop();
            StackRecord.delete(work);
            throw e;
        }
    }

    /**
     * Stops the services (SIGTERM, bounded wait, then kill) and the broker that {@code workDir}'s record names, and
     * removes the record. Returns a line per stopped part; empty when nothing was recorded or running.
     */
    public static List<String> down(Path workDir) {
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = StackRecord.read(work);
        List<String> stopped = new ArrayList<>();
        if (record != null) {
            List<StackRecord.Service> services = record.services();
            for (int i = services.size() - 1; i >= 0; i--) { // router first: no new work reaches the others
                StackRecord.Service s = services.get(i);
                if (ServiceProcess.stop(s.pid(), s.jar())) {
                    stopped.add(s.name() + " (pid " + s.pid() + ", port " + s.port() + ")");
                }
            }
        }
        Path brokerDir = record != null ? record.brokerDir() : brokerDir(work);
        if (Files.isDirectory(brokerDir) && KafkaBroker.stopByPidFile(brokerDir)) {
            stopped.add("Kafka broker" + (record != null ? " (pid " + record.brokerPid() + ", "
                    + record.endpoints().bootstrap() + ")" : " of " + brokerDir));
        }
        StackRecord.delete(work);
        return stopped;
    }

    /**
     * Restarts one service of the stack recorded in {@code workDir}: a graceful stop (SIGTERM; in-flight work
     * finishes), then the same jar, port and settings again; returns once it is ready, with the record updated.
     */
    public static StackRecord restart(Path workDir, String name, PrintStream log) {
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = StackRecord.read(work);
        if (record == null) {
            throw new IllegalStateException("no stack recorded in " + work + ": nothing to restart");
        }
        StackRecord.Service s = record.service(name);
        if (s.heap().isEmpty()) {
            throw new IllegalStateException(name + " was recorded without its settings (an older twin up); restart "
                    + "the whole stack instead");
        }
        log.println("restarting " + name + " (pid " + s.pid() + ")");
        ServiceProcess.stop(s.pid(), s.jar());
        ServiceProcess.Started started = ServiceProcess.start(s.spec(), work);
        StackRecord updated = record.withPid(name, started.pid());
        updated.write(work);
        ServiceProcess.awaitReady(started, System.nanoTime() + SERVICES_TIMEOUT.toNanos(), SERVICES_TIMEOUT);
        log.println(name + " ready again (pid " + started.pid() + ")");
        return updated;
    }

    /**
     * Kills one service of the stack recorded in {@code workDir} with SIGKILL (a crash: nothing drains, nothing is
     * committed) and waits until it is gone. Returns the killed pid, or -1 when it was not running.
     */
    public static long kill(Path workDir, String name) {
        StackRecord record = requireRecord(workDir.toAbsolutePath().normalize(), "kill " + name);
        StackRecord.Service s = record.service(name);
        if (!ServiceProcess.alive(s.pid(), s.jar())) {
            return -1;
        }
        ProcessHandle.of(s.pid()).ifPresent(h -> {
            h.destroyForcibly();
            ChildProcesses.awaitExit(h, ChildProcesses.KILL_WAIT);
        });
        return s.pid();
    }

    /**
     * Starts a recorded service that is not running (e.g. after {@link #kill}) with its jar, port and settings;
     * returns once it is ready, with the record updated.
     */
    public static StackRecord start(Path workDir, String name, PrintStream log) {
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = requireRecord(work, "start " + name);
        StackRecord.Service s = record.service(name);
        if (ServiceProcess.alive(s.pid(), s.jar())) {
            throw new IllegalStateException(name + " already runs (pid " + s.pid() + "); use restart");
        }
        ServiceProcess.Started started = ServiceProcess.start(s.spec(), work);
        StackRecord updated = record.withPid(name, started.pid());
        updated.write(work);
        ServiceProcess.awaitReady(started, System.nanoTime() + SERVICES_TIMEOUT.toNanos(), SERVICES_TIMEOUT);
        log.println(name + " started again (pid " + started.pid() + ")");
        return updated;
    }

    /** Kills the stack's broker with SIGKILL; its data stay for {@link #startBroker}. Returns the killed pid or -1. */
    public static long killBroker(Path workDir) {
        StackRecord record = requireRecord(workDir.toAbsolutePath().normalize(), "kill the broker");
        return KafkaBroker.kill(record.brokerDir());
    }

    /**
     * Starts the stack's broker again on the same data directory and ports (the services reconnect to the same
     * bootstrap address); returns once it answers, with the record updated.
     */
    public static StackRecord startBroker(Path workDir, PrintStream log) {
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = requireRecord(work, "start the broker");
        BrokerConfig cfg = BrokerConfig.read(record.brokerDir());
        KafkaBroker broker = new KafkaBroker();
        broker.start(cfg.workDir(), cfg.port(), cfg.controllerPort());
        StackRecord updated = record.withBrokerPid(broker.pid());
        updated.write(work);
        log.println("Kafka broker started again on its data (pid " + broker.pid() + ", " + cfg.bootstrap() + ")");
        return updated;
    }

    private static StackRecord requireRecord(Path work, String what) {
        StackRecord record = StackRecord.read(work);
        if (record == null) {
            throw new IllegalStateException("no stack recorded in " + work + ": cannot " + what);
        }
        return record;
    }

    private static void requireNotRunning(Path work) {
        StackRecord record = StackRecord.read(work);
        if (record == null) {
            return;
        }
        boolean alive = record.services().stream().anyMatch(s -> ServiceProcess.alive(s.pid(), s.jar()))
                || KafkaBroker.runningBroker(record.brokerDir()).isPresent();
        if (alive) {
            throw new IllegalStateException("a stack already runs from " + work + " (" + record.endpoints().http()
                    + "); stop it first: twin down --workdir " + work);
        }
        StackRecord.delete(work); // stale: everything it names is gone
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(overrides);
        return m;
    }

    /**
     * One intra-op thread for a service's engine: on loopback the broker, three services and the clients share the
     * cores, and two libtorch threads per call measured 4-30x slower per row than one here. Left out when the user set
     * the key by environment (a -D would override it).
     */
    private static Map<String, String> sharedMachine(String key, String env) {
        return System.getenv(env) == null ? props(key, "1") : Map.of();
    }

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
