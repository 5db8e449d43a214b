package dev.twin.cli.bench;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.ArrivalSchedule;
import dev.twin.cli.traffic.OfflineReference;
import dev.twin.cli.traffic.OipMessages;
import dev.twin.cli.traffic.RequestEncoding;
import dev.twin.cli.traffic.StackRun;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.PerRequest;
import dev.twin.core.model.Architectures;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code twin bench e2e} run: per strategy a fresh stack, warm-up, closed-loop traffic, then the open-loop points
 * on the same stack (static first, since its throughput sets the rates), the Kafka relay on the static stack's broker,
 * optional JFR profiles over the measured traffic; after the stacks are down, the engine ceiling in this process.
 * With {@code --rounds} N ≥ 2 the stacks run side by side instead, interleaved ({@link InterleavedBench}).
 */
public final class E2eBench {
    /** What to run (BenchCommand's options). */
    public record Settings(List<String> strategies, int perTask, int warmupPerTask, double warmupSeconds,
                           int inFlight, List<Double> openLoopFractions, double openLoopOwn, double openLoopSeconds,
                           double maxOverload, int relayRecords, double engineSeconds, int engineBatch, boolean jfr,
                           Path workDir, Map<String, String> routerProperties, Map<String, String> mergerProperties,
                           int rounds) {
        public Settings {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
            }
            routerProperties = Map.copyOf(routerProperties);
            mergerProperties = Map.copyOf(mergerProperties);
        }
    }

    /** Requests in flight per channel in an open loop: a bound for safety only, far above any queue that drains. */
    static final int OPEN_LOOP_IN_FLIGHT = 4096;
    static final int OPEN_LOOP_MIN_REQUESTS = 200;
    private static final int JFR_TOP = 15;

    private E2eBench() {
    }

    /**
     * What every strategy's run shares: the suite's name, the bundle (its directory and loaded), the measured and the
     * warm-up traffic, and which task's expert answers each measured request. It holds copies of the test inputs only: the suite's splits
     * (fashion-mnist-8's are 1.6 GB) stay out of the measuring client's heap, where G1 marked them again and again
     * (1 Dec 2026, -Xlog:gc: 1.65 GB live during the runs with them, about 200 MB without).
     */
    public record Inputs(String suite, Path bundleDir, Bundle bundle, List<TrafficItem> traffic,
                         List<TrafficItem> warmup, Map<String, Integer> expert) {
        public Inputs {
            traffic = List.copyOf(traffic);
            warmup = List.copyOf(warmup);
            expert = Map.copyOf(expert);
        }
    }

    /** The inputs of a run on {@code bundleDir}, from {@code suite}'s test splits and its trained experts. */
    public static Inputs prepare(TaskSuite suite, Path bundleDir, Settings s, PrintStream log) {
        Bundle bundle = Bundle.load(bundleDir);
        List<TrafficItem> traffic = TrafficPlan.of(suite.tasks(), s.perTask(), 11, "bench");
        // warm-up inputs come from the end of each test split, so they differ from the measured ones
        List<TrafficItem> warmup = s.warmupPerTask() == 0 ? List.of() : TrafficPlan.of(suite.tasks().stream()
                .map(t -> new TaskData(t.name(), t.classes(), t.train(), t.validation(), tail(t.test(),
                        s.warmupPerTask()))).toList(), s.warmupPerTask(), 12, "warm");
        Map<String, Integer> expert = OfflineReference.experts(Architectures.create(bundle.manifest().architecture()),
                SuiteModelCache.loadOrTrain(suite, log).experts(), traffic);
        return new Inputs(suite.name(), bundleDir, bundle, traffic, warmup, expert);
    }

    public static E2eReport run(Inputs in, Settings s, PrintStream log) {
        if (s.rounds() > 1) {
            return InterleavedBench.run(in, s, log);
        }
        Path bundleDir = in.bundleDir();
        List<TrafficItem> traffic = in.traffic();
        List<TrafficItem> warmup = in.warmup();
        Map<String, Integer> expert = in.expert();
        TrafficRun.Settings closedLoop = closedLoop(s);
        List<String> order = order(s, log);

        Map<String, TrafficReport> closed = new LinkedHashMap<>();
        List<OpenLoopPoint> points = new ArrayList<>();
        Map<String, List<JfrProfile.Summary>> profiles = new LinkedHashMap<>();
        KafkaRelay.Ceiling[] relay = new KafkaRelay.Ceiling[1];
        for (String strategy : order) {
            Stack.Options options = options(strategy, s, closedLoop);
            StackRun.Hooks hooks = new StackRun.Hooks(
                    record -> {
                        warmFor(strategy, record, warmup.isEmpty() ? traffic : warmup, s.warmupSeconds(), closedLoop,
                                log);
                        if (s.jfr()) {
                            record.services().forEach(x -> JfrProfile.start(x.pid()));
                        }
                    },
                    (record, report) -> {
                        Double saturation = staticSaturation(closed, strategy, report.throughput());
                        points.addAll(openLoop(strategy, record, traffic, saturation, report.throughput(), s, log));
                        if (strategy.equals(E2eReport.STATIC) && s.relayRecords() > 0) {
                            relay[0] = relay(record, traffic, s, log);
                        }
                        if (s.jfr()) {
                            profiles.put(strategy, stopProfiles(strategy, record, s.workDir()));
                        }
                    });
            StackRun.Outcome out = StackRun.run(strategy, bundleDir, s.workDir(), options, warmup, traffic, expert,
                    closedLoop, hooks, log);
            closed.put(strategy, out.report());
            log.print(out.report().console());
        }
        return new E2eReport(in.suite(), machine(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                closed, Map.of(), points, relay[0], engineCeiling(in, s, log), profiles);
    }

    /** The closed loop's client settings: {@code --in-flight} per channel, a 90 s stall bound, a 60 s gRPC deadline. */
    static TrafficRun.Settings closedLoop(Settings s) {
        return new TrafficRun.Settings(s.inFlight(), Duration.ofSeconds(90), 60_000, false);
    }

    /** The strategies in the order they run: static first, since its saturation sets every open-loop rate. */
    static List<String> order(Settings s, PrintStream log) {
        List<String> order = new ArrayList<>();
        if (s.strategies().contains(E2eReport.STATIC)) {
            order.add(E2eReport.STATIC);
        } else if (!s.openLoopFractions().isEmpty()) {
            log.println("bench: static is not among the strategies, so open-loop points at fractions of its "
                    + "throughput are skipped");
        }
        s.strategies().stream().filter(x -> !order.contains(x)).forEach(order::add);
        return order;
    }

    /**
     * The stack of one strategy: for per-request, clusters materialized (it is there for the record: what serving the
     * paper's per-request merge costs when each request's θ(w) is materialized); then the run's service properties;
     * then the strategy's own settings (which win).
     */
    static Stack.Options options(String strategy, Settings s, TrafficRun.Settings closedLoop) {
        Stack.Options options = Stack.Options.defaults();
        if (PerRequest.NAME.equals(strategy)) {
            options = options.withMerger("twin.merger.cluster-execution", "materialized")
                    .withRouter("twin.router.grouping.cluster-records", "per-cluster");
        }
        for (Map.Entry<String, String> e : s.routerProperties().entrySet()) {
            options = options.withRouter(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : s.mergerProperties().entrySet()) {
            options = options.withMerger(e.getKey(), e.getValue());
        }
        return options.withRouter("twin.router.grouping.strategy", strategy)
                // a slow strategy queues requests for long: synchronous calls wait as long as the traffic may stall
                .withRouter("twin.router.sync-timeout-ms", String.valueOf(closedLoop.grpcDeadlineMs()));
    }

    /** The Kafka relay ceiling on {@code record}'s broker, with records of the traffic's mean request size. */
    static KafkaRelay.Ceiling relay(StackRecord record, List<TrafficItem> traffic, Settings s, PrintStream log) {
        log.println("bench: Kafka relay ceiling, " + s.relayRecords() + " records on " + record.endpoints().bootstrap());
        return KafkaRelay.run(record.endpoints().bootstrap(),
                KafkaRelay.meanBytes(payloads(traffic, record.endpoints().model())), s.relayRecords(),
                Stack.PARTITIONS, s.workDir());
    }

    /** Stops the JFR recordings of {@code record}'s services and summarizes each file. */
    static List<JfrProfile.Summary> stopProfiles(String strategy, StackRecord record, Path workDir) {
        List<JfrProfile.Summary> list = new ArrayList<>();
        for (StackRecord.Service x : record.services()) {
            Path file = workDir.resolve("jfr-" + strategy + "-" + x.name() + ".jfr");
            JfrProfile.stop(x.pid(), file);
            list.add(JfrProfile.summarize(x.name(), file, JFR_TOP));
        }
        return list;
    }

    /** The engine's in-process forward (after the stacks are down); null when {@code --engine-seconds} is 0. */
    static EngineCeiling.Result engineCeiling(Inputs in, Settings s, PrintStream log) {
        if (s.engineSeconds() <= 0) {
            return null;
        }
        log.println("bench: engine ceiling in process, batch " + s.engineBatch());
        return EngineCeiling.measure(in.bundle(), in.traffic(), s.engineBatch(), s.engineSeconds());
    }

    /**
     * The time-based part of the warm-up: closed-loop rounds over {@code items} (fresh ids each round) until
     * {@code seconds} have passed. A count cannot fit every strategy (static answers thousands a second, per-request
     * a few), and under load the JIT of five JVMs on two cores kept compiling for 5 to 6 minutes (1 Dec 2026: 134 to
     * 212 s of compile time per service by then, jstat -compiler; README).
     */
    static void warmFor(String strategy, StackRecord record, List<TrafficItem> items, double seconds,
                                TrafficRun.Settings settings, PrintStream log) {
        if (seconds <= 0) {
            return;
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int rounds = 0;
        long sent = 0;
        while (System.nanoTime() < end) {
            List<TrafficItem> round = cycle(items, items.size(), "warm-r" + rounds);
            TrafficRun.run(round, record.endpoints().bootstrap(), record.endpoints().grpc(), record.endpoints().model(),
                    settings, log);
            rounds++;
            sent += round.size();
        }
        log.println(String.format(Locale.ROOT, "%s: warm-up for %.0f s: %d more requests in %d rounds (not measured)",
                strategy, seconds, sent, rounds));
    }

    /**
     * Static's closed-loop throughput, the basis of the open-loop rates: measured earlier in the run, or just now
     * when {@code strategy} is static; null when the run has no static (its report is still written, without ratios).
     */
    static Double staticSaturation(Map<String, TrafficReport> closed, String strategy, double own) {
        TrafficReport s = closed.get(E2eReport.STATIC);
        if (s != null) {
            return s.throughput();
        }
        // not a conditional expression: with a double in one branch, null would be unboxed (it was, 1 Dec 2026)
        return strategy.equals(E2eReport.STATIC) ? Double.valueOf(own) : null;
    }

    /** The open-loop points of one strategy on its running stack (none without a static saturation). */
    private static List<OpenLoopPoint> openLoop(String strategy, StackRecord record, List<TrafficItem> traffic,
                                                Double staticSaturation, double own, Settings s, PrintStream log) {
        if (staticSaturation == null || own <= 0) {
            return List.of();
        }
        List<OpenLoopTarget> plan = OpenLoopTarget.plan(staticSaturation, own, s.openLoopFractions(),
                s.openLoopOwn(), s.openLoopSeconds(), OPEN_LOOP_MIN_REQUESTS, s.maxOverload());
        Map<OpenLoopTarget, OpenLoopPoint> measured = new IdentityHashMap<>();
        for (OpenLoopTarget t : OpenLoopTarget.runOrder(plan)) {
            if (!t.runs()) {
                log.println(strategy + ": open loop at " + t.basis() + " × " + t.fraction() + " skipped: "
                        + t.skipped());
                measured.put(t, OpenLoopPoint.skipped(strategy, t));
                continue;
            }
            measured.put(t, OpenLoopPoint.measured(strategy, t,
                    List.of(openLoopPoint(strategy, record, traffic, t, "", s, log))));
        }
        return plan.stream().map(measured::get).toList(); // reported in the plan's order
    }

    /**
     * One open-loop point on {@code record}'s stack: {@code t.requests()} items due at {@code t}'s rate, their
     * latency trace written to the work directory as {@code latency-ol-<strategy>-<basis><percent><suffix>.csv}.
     */
    static TrafficResult openLoopPoint(String strategy, StackRecord record, List<TrafficItem> traffic,
                                       OpenLoopTarget t, String suffix, Settings s, PrintStream log) {
        String prefix = String.format(Locale.ROOT, "ol-%s-%s%.0f%s", strategy, t.basis(), 100 * t.fraction(),
                suffix);
        List<TrafficItem> items = cycle(traffic, t.requests(), prefix);
        log.println(String.format(Locale.ROOT, "%s: open loop, %d requests at %.1f/s (%s × %.2f)", strategy,
                items.size(), t.ratePerSecond(), t.basis(), t.fraction()));
        TrafficRun.Settings settings = new TrafficRun.Settings(OPEN_LOOP_IN_FLIGHT, Duration.ofSeconds(90),
                60_000, false);
        TrafficResult r = TrafficRun.run(items, record.endpoints().bootstrap(), record.endpoints().grpc(),
                record.endpoints().model(), settings, ArrivalSchedule.openLoop(t.ratePerSecond()), log);
        LatencyTrace.write(s.workDir().resolve("latency-" + prefix + ".csv"), r);
        OpenLoopPoint p = OpenLoopPoint.measured(strategy, t, List.of(r));
        log.println(String.format(Locale.ROOT, "  achieved %.1f/s, %d of %d answered; p50 %.1f ms, p99 %.1f ms, "
                + "p99.9 %.1f ms", p.achievedPerSecond(), p.answered(), items.size(), p.p50Ms(), p.p99Ms(),
                p.p999Ms()));
        return r;
    }

    /** {@code n} items cycling over {@code traffic}, each with a fresh id (results of earlier runs never match). */
    static List<TrafficItem> cycle(List<TrafficItem> traffic, int n, String prefix) {
        List<TrafficItem> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            TrafficItem i = traffic.get(k % traffic.size());
            out.add(new TrafficItem(prefix + "-" + k, i.task(), i.label(), i.input(), i.channel()));
        }
        return out;
    }

    /** The Kafka channel's request bodies (protobuf with raw contents, as the bench sends them): what the relay moves. */
    static List<byte[]> payloads(List<TrafficItem> traffic, String model) {
        return traffic.stream().map(i -> OipMessages.request(i, model, RequestEncoding.PROTOBUF)).toList();
    }

    private static Split tail(Split s, int k) {
        int n = Math.min(k, s.n());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = s.n() - n + i;
        }
        return s.select(idx);
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ", "
                + nativeAllocator(System.getenv());
    }

    /**
     * The native allocator this process and its services run with ({@code ./twin} chooses it, cli/native-memory.sh):
     * on a VM where a fresh page is expensive it changes the engine's speed several-fold, so a report names it.
     */
    static String nativeAllocator(Map<String, String> env) {
        String preload = env.getOrDefault("LD_PRELOAD", "");
        if (preload.contains("jemalloc")) {
            String conf = env.get("MALLOC_CONF");
            return "jemalloc" + (conf == null ? "" : " (" + conf + ")");
        }
        String threshold = env.get("MALLOC_MMAP_THRESHOLD_");
        return "glibc malloc" + (threshold == null ? "" : " (mmap threshold " + threshold + ")");
    }
}
