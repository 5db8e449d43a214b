package dev.twin.cli.stack;

import dev.twin.cli.security.ScramUsers;
import dev.twin.cli.security.StackSecurity;
import dev.twin.cli.security.TlsFiles;
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
import java.util.Optional;

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
    /** Environment variables that set the executors' PyTorch and the routers' ONNX Runtime intra-op threads. */
    public static final String EXECUTOR_THREADS_ENV = "TWIN_EXECUTOR_THREADS";
    public static final String ROUTER_THREADS_ENV = "TWIN_ROUTER_ONNX_THREADS";
    static final String EXECUTOR = "executor-service";
    static final String MERGER = "merger-service";
    static final String ROUTER = "router-service";

    private Stack() {
    }

    /**
     * How to run the stack: the number of router, merger and executor processes (routers share twin.requests and
     * mergers twin.routed through their consumer groups; mergers learn the executors from their heartbeats) and
     * extra {@code -D} settings per service (e.g. {@code twin.router.grouping.strategy}), over the services' defaults.
     */
    public record Options(int routers, int mergers, int executors, Map<String, String> router,
                          Map<String, String> merger, Map<String, String> executor, Optional<StackSecurity> security) {
        public Options {
            if (routers < 1 || mergers < 1 || executors < 1) {
                throw new IllegalArgumentException("the stack needs at least one router, merger and executor, got "
                        + routers + ", " + mergers + " and " + executors);
            }
            router = Map.copyOf(router);
            merger = Map.copyOf(merger);
            executor = Map.copyOf(executor);
        }

        public Options(int executors, Map<String, String> router, Map<String, String> merger,
                       Map<String, String> executor) {
            this(1, 1, executors, router, merger, executor, Optional.empty());
        }

        public static Options defaults() {
            return new Options(1, Map.of(), Map.of(), Map.of());
        }

        public Options withExecutors(int n) {
            return new Options(routers, mergers, n, router, merger, executor, security);
        }

        /** Router, merger and executor counts. */
        public Options withInstances(int routers, int mergers, int executors) {
            return new Options(routers, mergers, executors, router, merger, executor, security);
        }

        /** TLS and SASL everywhere (see StackSecurity). */
        public Options withSecurity(StackSecurity s) {
            return new Options(routers, mergers, executors, router, merger, executor, Optional.of(s));
        }

        public Options withRouter(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(router);
            m.put(key, value);
            return new Options(routers, mergers, executors, m, merger, executor, security);
        }

        public Options withMerger(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(merger);
            m.put(key, value);
            return new Options(routers, mergers, executors, router, m, executor, security);
        }

        /** One setting for every service (router, merger and each executor). */
        public Options withAll(String key, String value) {
            Map<String, String> r = new LinkedHashMap<>(router);
            Map<String, String> m = new LinkedHashMap<>(merger);
            Map<String, String> e = new LinkedHashMap<>(executor);
            r.put(key, value);
            m.put(key, value);
            e.put(key, value);
            return new Options(routers, mergers, executors, r, m, e, security);
        }

        /** OpenTelemetry tracing on in every service, spans exported over OTLP/gRPC to {@code otlpEndpoint}. */
        public Options withTracing(String otlpEndpoint) {
            return withAll("quarkus.otel.sdk.disabled", "false")
                    .withAll("quarkus.otel.exporter.otlp.traces.endpoint", otlpEndpoint);
        }
    }

    /** The name of the i-th executor (0-based): executor-service, executor-service-2, ... */
    public static String executorName(int i) {
        return instanceName(EXECUTOR, i);
    }

    /** The name of the i-th instance (0-based) of a service: merger-service, merger-service-2, ... */
    public static String instanceName(String service, int i) {
        return i == 0 ? service : service + "-" + (i + 1);
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
        Optional<StackSecurity> sec = options.security();
        int n = options.routers() + options.mergers() + execs;
        // broker, controller, then one per service instance (, the broker's SSL listener)
        int[] ports = Ports.free(2 + n + (sec.isPresent() ? 1 : 0));
        int k = 2;
        KafkaBroker broker = new KafkaBroker();
        List<ServiceProcess.Started> started = new ArrayList<>();
        try {
            log.println("starting Kafka broker (KRaft) on 127.0.0.1:" + ports[0] + (sec.isPresent()
                    ? " (SASL_SSL, SCRAM-SHA-512; SSL with client certificates on " + ports[2 + n] + ")" : "")
                    + " ...");
            String bootstrap = broker.start(brokerDir(work), ports[0], ports[1],
                    sec.map(s -> s.broker(ports[2 + n])));
            BrokerConfig brokerConfig = broker.config();
            SecuredServices secured = new SecuredServices(sec, work);
            if (sec.isPresent()) {
                ScramUsers.upsert(brokerConfig.adminBootstrap(), brokerConfig.adminClient(), TlsFiles.KAFKA_USER,
                        sec.get().files().kafkaPassword());
            }
            int partitions = Math.max(PARTITIONS, Math.max(options.routers(), options.mergers()));
            Topics.create(brokerConfig.adminBootstrap(), brokerConfig.adminClient(), Topics.DEFAULTS, partitions);
            Topics.createCompacted(brokerConfig.adminBootstrap(), brokerConfig.adminClient(), Topics.EXECUTORS);
            log.println("topics " + String.join(", ", Topics.DEFAULTS) + " (" + partitions + " partitions) and "
                    + Topics.EXECUTORS + " (compacted) ready on " + bootstrap);

            MemorySizing sizing = MemorySizing.of(bundle);
            for (int i = 0; i < execs; i++) {
                int port = ports[k++];
                started.add(ServiceProcess.start(executorSpec(executorName(i), executorJar, port, bundle, bootstrap,
                        merged(secured.executor(executorName(i), port), options.executor())), work));
            }
            // the router's dashboard reads every merger's and executor's metrics (executors are HTTPS-only when
            // secured; the mergers keep their plain HTTP port)
            List<String> scrape = new ArrayList<>();
            for (int i = 0; i < execs; i++) {
                scrape.add(executorName(i) + "=" + metricsUrl(sec.isPresent(), ports[2 + i]));
            }
            // mergers learn the executors from their heartbeats (and so learn executors added later)
            for (int i = 0; i < options.mergers(); i++) {
                int port = ports[k++];
                scrape.add(instanceName(MERGER, i) + "=" + metricsUrl(false, port));
                started.add(ServiceProcess.start(new ServiceProcess.Spec(instanceName(MERGER, i), mergerJar,
                        port, sizing.mergerHeap(), merged(merged(props("twin.merger.bundle", bundle.toString(),
                        "twin.merger.cache-budget-bytes", Long.toString(sizing.mergerCacheBytes()),
                        "twin.merger.discovery.mode", "kafka", "kafka.bootstrap.servers", bootstrap),
                        secured.merger()), options.merger())), work));
            }
            int routerPort = ports[k];
            for (int i = 0; i < options.routers(); i++) {
                int port = ports[k++];
                started.add(ServiceProcess.start(new ServiceProcess.Spec(instanceName(ROUTER, i), routerJar,
                        port, "768m", merged(merged(merged(
                        sharedMachine("twin.router.onnx-threads", ROUTER_THREADS_ENV), props(
                        "twin.router.bundle", bundle.toString(), "twin.router.model-name", MODEL,
                        "kafka.bootstrap.servers", bootstrap, "twin.router.dashboard.scrape",
                        String.join(",", scrape))), secured.router(port)), options.router())), work));
            }
            StackEndpoints endpoints = new StackEndpoints(bootstrap, "127.0.0.1:" + routerPort, // the first router
                    (sec.isPresent() ? "https" : "http") + "://127.0.0.1:" + routerPort, MODEL);
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
            List<StackRecord.Service> services = new ArrayList<>(record.services());
            java.util.Collections.reverse(services);
            // routers first (no new work reaches the others), then mergers, then executors
            services.sort(java.util.Comparator.comparingInt(s -> roleRank(s.name())));
            for (StackRecord.Service s : services) {
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
     * An executor on {@code port}: it announces itself as 127.0.0.1:port on the executors topic once its bundle is
     * loaded, and with a tombstone when it stops.
     */
    private static ServiceProcess.Spec executorSpec(String name, Path jar, int port, Path bundle, String bootstrap,
                                                    Map<String, String> overrides) {
        return new ServiceProcess.Spec(name, jar, port, MemorySizing.of(bundle).executorHeap(), merged(merged(merged(
                sharedMachine("twin.executor.threads", EXECUTOR_THREADS_ENV),
                props("twin.executor.bundle", bundle.toString())), props("twin.executor.heartbeat.enabled", "true",
                "twin.executor.heartbeat.address", "127.0.0.1:" + port, "kafka.bootstrap.servers", bootstrap)),
                overrides));
    }

    private static int roleRank(String name) {
        return name.startsWith(ROUTER) ? 0 : name.startsWith(MERGER) ? 1 : 2;
    }

    /** The service names instances are made of, for {@link #add}. */
    public static final List<String> SERVICES = List.of(ROUTER, MERGER, EXECUTOR);

    /**
     * Starts one more instance of {@code service} (router-service, merger-service or executor-service) in the stack
     * recorded in {@code workDir}, with the first instance's jar and settings on a free port; returns once it is ready,
     * with the record updated. Routers and mergers join their consumer groups (Kafka moves partitions to them);
     * an executor joins the mergers' rings through its heartbeats.
     */
    public static StackRecord add(Path workDir, String service, PrintStream log) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("no service '" + service + "': one of " + SERVICES);
        }
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = requireRecord(work, "add " + service);
        StackRecord.Service first = record.service(service);
        if (first.heap().isEmpty()) {
            throw new IllegalStateException(service + " was recorded without its settings (an older twin up); "
                    + "restart the whole stack instead");
        }
        int i = 1;
        while (record.has(instanceName(service, i))) {
            i++;
        }
        String name = instanceName(service, i);
        int port = Ports.free(1)[0];
        Map<String, String> props = new LinkedHashMap<>(first.properties());
        if (props.containsKey("twin.executor.heartbeat.address")) {
            props.put("twin.executor.heartbeat.address", "127.0.0.1:" + port);
        }
        if (props.containsKey("quarkus.http.ssl-port")) { // a secured (TLS-only) instance
            props.put("quarkus.http.ssl-port", String.valueOf(port));
        }
        ServiceProcess.Spec spec = new ServiceProcess.Spec(name, first.jar(), port, first.heap(), props);
        ServiceProcess.Started started = ServiceProcess.start(spec, work);
        StackRecord updated = record.with(new StackRecord.Service(name, started.pid(), port, spec.jar(), spec.heap(),
                spec.properties()));
        updated.write(work);
        log.println("started " + name + " (pid " + started.pid() + ", port " + port + ")");
        ServiceProcess.awaitReady(started, System.nanoTime() + SERVICES_TIMEOUT.toNanos(), SERVICES_TIMEOUT);
        log.println(name + " ready");
        return updated;
    }

    /**
     * Stops one instance ({@code name}, e.g. executor-service-2) gracefully (SIGTERM: in-flight work finishes, an
     * executor leaves with a tombstone, a merger leaves its group) and drops it from the record. The first instance
     * of each service stays: it names the stack's endpoints and the settings of later instances.
     */
    public static StackRecord remove(Path workDir, String name, PrintStream log) {
        Path work = workDir.toAbsolutePath().normalize();
        StackRecord record = requireRecord(work, "remove " + name);
        StackRecord.Service s = record.service(name);
        if (SERVICES.contains(name)) {
            throw new IllegalArgumentException(name + " is the first instance of its service; remove a later one ("
                    + name + "-2, ...)");
        }
        log.println("stopping " + name + " (pid " + s.pid() + ")");
        ServiceProcess.stop(s.pid(), s.jar());
        StackRecord updated = record.without(name);
        updated.write(work);
        log.println(name + " stopped");
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

    /** A service's Prometheus endpoint on loopback ({@code https} when its port is TLS-only). */
    private static String metricsUrl(boolean tls, int port) {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port + "/q/metrics";
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

    /** The intra-op threads a stack's service runs its engine with: {@code env}'s value if set, else 1 (above). */
    public static int engineThreads(String env) {
        String v = System.getenv(env);
        try {
            return v == null ? 1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(env + " must be a number of threads, got '" + v + "'");
        }
    }

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
