package dev.twin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.bench.E2eBench;
import dev.twin.cli.bench.E2eReport;
import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin bench}: benchmarks of the running system (speed is measured here, never in unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.E2e.class, BenchCommand.Overload.class, ChaosCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (e2e, overload, chaos)");
    }

    /** {@code twin bench overload}: the stack at a multiple of its saturation rate; the bounds must hold. */
    @Command(name = "overload", mixinStandardHelpOptions = true,
            description = "Start the stack (as twin demo), measure its closed-loop saturation, then offer FACTOR x that "
                    + "rate for SECONDS (half Kafka, half gRPC, open loop, no client-side bound) and drain. Prints "
                    + "gRPC calls refused with RESOURCE_EXHAUSTED, Kafka requests answered (all must be), "
                    + "duplicates, dead letters, each service's peak RSS and whether it survived.")
    static final class Overload implements Callable<Integer> {
        @Option(names = "--factor", paramLabel = "X", defaultValue = "3",
                description = "offered rate as a multiple of the saturation rate (default: ${DEFAULT-VALUE})")
        double factor;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "60",
                description = "length of the overload (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--workdir", paramLabel = "DIR", description = "default: ~/.cache/twin/bench-overload")
        Path workDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (!(factor > 0) || !(seconds > 0) || Double.isInfinite(factor) || Double.isInfinite(seconds)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--factor and --seconds must be positive,"
                        + " got " + factor + " and " + seconds);
            }
            PrintStream log = new PrintStream(System.err, true);
            DefaultBundle.Served served = DefaultBundle.forDemo(log);
            Path dir = workDir != null ? workDir : dev.twin.core.runtime.TwinPaths.cacheDir().resolve("bench-overload");
            dev.twin.cli.overload.OverloadBench.Result r = dev.twin.cli.overload.OverloadBench.run(served.suite(),
                    served.dir(), dir, factor, seconds, log);
            spec.commandLine().getOut().print(r.table());
            spec.commandLine().getOut().flush();
            boolean held = r.died().isEmpty() && r.kafkaAnswered() == r.kafkaRequests();
            return held ? 0 : 1;
        }
    }

    /** {@code twin bench e2e}: the stack under each grouping strategy on the same traffic, against the static one. */
    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "For each strategy, start the stack (as twin demo), warm it up, stream the same shuffled "
                    + "traffic (half Kafka, half gRPC) in a closed loop (throughput, latency p50/p99, accuracy), then "
                    + "open-loop runs at fixed arrival rates (fractions of static's closed-loop throughput, measured "
                    + "first; p50/p99/p99.9). 'static' serves the shared expert alone and is the baseline of the "
                    + "ratios. Ceilings in the same run: a bare Kafka relay of the same payloads on the static stack's "
                    + "broker (kafka-tools) and the engine's in-process forward pass. Services come from "
                    + "$TWIN_HOME (default: this checkout).")
    static final class E2e implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--strategies", split = ",", paramLabel = "S,...",
                defaultValue = "static,exact,lattice,group,per-request",
                description = "strategies to run; static runs first when listed (default: ${DEFAULT-VALUE})")
        List<String> strategies;

        @Option(names = "--bundle", paramLabel = "DIR",
                description = "bundle to serve (e.g. ~/.cache/twin/bundles/text-6); default: the demo's bundle")
        Path bundle;

        @Option(names = "--suite", paramLabel = "NAME",
                description = "suite of --bundle's traffic (default: the bundle directory's name)")
        String suite;

        @Option(names = "--per-task", paramLabel = "N", defaultValue = "500",
                description = "measured test inputs per task (default: ${DEFAULT-VALUE})")
        int perTask;

        @Option(names = "--warmup-per-task", paramLabel = "N", defaultValue = "100",
                description = "unmeasured inputs per task sent first (default: ${DEFAULT-VALUE})")
        int warmupPerTask;

        @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "0",
                description = "then keep warming up (rounds of the same inputs, closed loop) for S more seconds: on 2 "
                        + "cores the JITs of the stack compile for minutes under load (default: ${DEFAULT-VALUE})")
        double warmupSeconds;

        @Option(names = "--in-flight", paramLabel = "N", defaultValue = "64",
                description = "closed loop: requests in flight per channel (default: ${DEFAULT-VALUE})")
        int inFlight;

        @Option(names = "--open-loop", split = ",", paramLabel = "F,...", defaultValue = "0.25,0.5,0.75,1.0",
                description = "open-loop arrival rates as fractions of static's closed-loop throughput; 'none' to "
                        + "skip (default: ${DEFAULT-VALUE})")
        List<String> openLoop;

        @Option(names = "--open-loop-own", paramLabel = "F", defaultValue = "0.5",
                description = "one more open-loop point at this fraction of the strategy's own closed-loop throughput;"
                        + " 0 to skip (default: ${DEFAULT-VALUE})")
        double openLoopOwn;

        @Option(names = "--open-loop-seconds", paramLabel = "S", defaultValue = "10",
                description = "length of each open-loop point at its target rate (default: ${DEFAULT-VALUE})")
        double openLoopSeconds;

        @Option(names = "--open-loop-max-overload", paramLabel = "X", defaultValue = "1.5",
                description = "skip open-loop rates above X × the strategy's own saturation (default: "
                        + "${DEFAULT-VALUE})")
        double maxOverload;

        @Option(names = "--relay-records", paramLabel = "N", defaultValue = "20000",
                description = "records of the Kafka relay ceiling; 0 to skip (default: ${DEFAULT-VALUE})")
        int relayRecords;

        @Option(names = "--engine-seconds", paramLabel = "S", defaultValue = "5",
                description = "time per form of the engine ceiling; 0 to skip (default: ${DEFAULT-VALUE})")
        double engineSeconds;

        @Option(names = "--engine-batch", paramLabel = "N", defaultValue = "64",
                description = "batch of the engine ceiling: the router's micro-batch bound (default: ${DEFAULT-VALUE})")
        int engineBatch;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
                description = "N >= 2: every strategy's stack up at once, each warmed up, then N rounds of every "
                        + "strategy's closed loop in turn (and each open-loop point N times); reports the median round "
                        + "and the median of the per-round ratios to static, so that a host's drift over minutes "
                        + "cancels (default: ${DEFAULT-VALUE}: one stack after the other)")
        int rounds;

        @Option(names = "--jfr", description = "record a JFR profile of every service during each strategy's measured"
                + " traffic (files in the working directory) and print the hottest frames")
        boolean jfr;

        @Option(names = "--json", paramLabel = "FILE", description = "write the run as JSON (DESIGN.md's contract)")
        Path json;

        @Option(names = "--workdir", paramLabel = "DIR", description = "default: ~/.cache/twin/bench")
        Path workDir;

        @Option(names = "--router-property", paramLabel = "KEY=VALUE", description = "a setting of every router of "
                + "the run (repeatable), e.g. mp.messaging.outgoing.routed.linger.ms=5: an A/B of the service's own "
                + "configuration; the strategy's own settings win")
        Map<String, String> routerProperties = new LinkedHashMap<>();

        @Option(names = "--merger-property", paramLabel = "KEY=VALUE", description = "a setting of every merger of "
                + "the run (repeatable), e.g. twin.merger.cluster-execution=materialized")
        Map<String, String> mergerProperties = new LinkedHashMap<>();

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            for (String s : strategies) {
                if (!GroupingStrategies.SERVING_NAMES.contains(s)) {
                    throw new CommandLine.ParameterException(cl, "unknown strategy '" + s + "' (known: "
                            + GroupingStrategies.SERVING_NAMES + ")");
                }
            }
            if (perTask < 1 || rounds < 1 || warmupPerTask < 0 || !(warmupSeconds >= 0) || inFlight < 1 || relayRecords < 0
                    || engineSeconds < 0 || engineBatch < 1 || openLoopOwn < 0 || !(openLoopSeconds > 0) || !(maxOverload > 0)) {
                throw new CommandLine.ParameterException(cl, "--per-task, --rounds, --in-flight, --engine-batch, "
                        + "--open-loop-seconds and --open-loop-max-overload must be positive; --warmup-per-task, "
                        + "--warmup-seconds, --relay-records, --engine-seconds and --open-loop-own not negative");
            }
            List<Double> fractions = fractions(cl);
            if (bundle != null) {
                if (!Files.isRegularFile(bundle.resolve("manifest.json"))) {
                    throw new CommandLine.ParameterException(cl, "--bundle " + bundle + " has no manifest.json");
                }
                if (!Suites.NAMES.contains(suiteName())) {
                    throw new CommandLine.ParameterException(cl, "cannot tell the suite of bundle " + bundle + " ('"
                            + suiteName() + "' is not one of " + Suites.NAMES + "); name it with --suite");
                }
            }
            PrintStream log = new PrintStream(System.err, true);
            // the engine ceiling's PyTorch as the executors run it (one thread on a shared machine); DJL reads this
            // when its engine starts, which is later in this process
            System.setProperty("ai.djl.pytorch.num_threads",
                    String.valueOf(Stack.engineThreads(Stack.EXECUTOR_THREADS_ENV)));
            E2eBench.Settings settings = new E2eBench.Settings(strategies, perTask, warmupPerTask, warmupSeconds,
                    inFlight, fractions, openLoopOwn, openLoopSeconds, maxOverload, relayRecords, engineSeconds,
                    engineBatch, jfr,
                    workDir != null ? workDir : dev.twin.core.runtime.TwinPaths.cacheDir().resolve("bench"),
                    routerProperties, mergerProperties, rounds);
            E2eReport report = E2eBench.run(inputs(settings, log), settings, log);
            cl.getOut().print(report.table());
            report.profiles().forEach((s, list) -> {
                cl.getOut().println("\nJFR, " + s + ":");
                list.forEach(p -> cl.getOut().print(p.console(12)));
            });
            cl.getOut().flush();
            if (json != null) {
                TrafficReport.write(json, report.json(new ObjectMapper()));
                cl.getOut().println("json: " + json);
            }
            List<String> incomplete = new ArrayList<>();
            report.closed().forEach((s, r) -> {
                if (r.unanswered() > 0) {
                    incomplete.add(s + " (" + r.unanswered() + " unanswered)");
                }
            });
            if (!incomplete.isEmpty()) {
                throw new IllegalStateException("not every request was answered: " + incomplete + "; logs in "
                        + settings.workDir());
            }
            return 0;
        }

        /** The run's inputs; the suite they come from is unreachable once this returns (see E2eBench.Inputs). */
        private E2eBench.Inputs inputs(E2eBench.Settings settings, PrintStream log) {
            if (bundle == null) {
                DefaultBundle.Served served = DefaultBundle.forDemo(log);
                return E2eBench.prepare(served.suite(), served.dir(), settings, log);
            }
            return E2eBench.prepare(Suites.byName(suiteName(), DataLocator.standard(), log), bundle, settings, log);
        }

        /** --suite, else the name of --bundle's directory. */
        private String suiteName() {
            return suite != null ? suite : bundle.toAbsolutePath().normalize().getFileName().toString();
        }

        private List<Double> fractions(CommandLine cl) {
            if (openLoop.size() == 1 && openLoop.get(0).equals("none")) {
                return List.of();
            }
            List<Double> out = new ArrayList<>();
            for (String f : openLoop) {
                double v;
                try {
                    v = Double.parseDouble(f);
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(cl, "--open-loop: '" + f + "' is not a number");
                }
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new CommandLine.ParameterException(cl, "--open-loop fractions must be positive, got " + f);
                }
                out.add(v);
            }
            return out;
        }
    }
}
