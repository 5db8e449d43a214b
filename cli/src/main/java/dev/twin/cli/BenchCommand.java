package dev.twin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.OfflineReference;
import dev.twin.cli.traffic.StackRun;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.group.SharedOnly;
import dev.twin.core.model.Architectures;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
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
        subcommands = BenchCommand.E2e.class)
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (e2e)");
    }

    /** {@code twin bench e2e}: the stack under each grouping strategy on the same traffic, against the static one. */
    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "For each strategy, start the stack (as twin demo), warm it up, stream the same shuffled "
                    + "traffic (half Kafka, half gRPC) and measure throughput, latency p50/p99 and accuracy; "
                    + "'static' serves the shared expert alone (no router, no merging) and is the baseline of the "
                    + "throughput ratios.")
    static final class E2e implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--strategies", split = ",", paramLabel = "S,...",
                defaultValue = "static,per-request,group,lattice",
                description = "strategies to run, in order (default: ${DEFAULT-VALUE})")
        List<String> strategies;

        @Option(names = "--per-task", paramLabel = "N", defaultValue = "500",
                description = "measured test inputs per task (default: ${DEFAULT-VALUE})")
        int perTask;

        @Option(names = "--warmup-per-task", paramLabel = "N", defaultValue = "100",
                description = "unmeasured inputs per task sent first (default: ${DEFAULT-VALUE})")
        int warmupPerTask;

        @Option(names = "--in-flight", paramLabel = "N", defaultValue = "64",
                description = "requests in flight per channel (default: ${DEFAULT-VALUE})")
        int inFlight;

        @Option(names = "--json", paramLabel = "FILE", description = "write every strategy's summary as JSON")
        Path json;

        @Option(names = "--workdir", paramLabel = "DIR", description = "default: ~/.cache/twin/bench")
        Path workDir;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            for (String s : strategies) {
                if (!GroupingStrategies.SERVING_NAMES.contains(s)) {
                    throw new CommandLine.ParameterException(cl, "unknown strategy '" + s + "' (known: "
                            + GroupingStrategies.SERVING_NAMES + ")");
                }
            }
            if (perTask < 1 || warmupPerTask < 0 || inFlight < 1) {
                throw new CommandLine.ParameterException(cl, "--per-task and --in-flight must be positive and "
                        + "--warmup-per-task not negative");
            }
            PrintStream log = new PrintStream(System.err, true);
            DefaultBundle.Served served = DefaultBundle.forDemo(log);
            TaskSuite suite = served.suite();
            Bundle bundle = Bundle.load(served.dir());
            List<TrafficItem> traffic = TrafficPlan.of(suite.tasks(), perTask, 11, "bench");
            // warm-up inputs come from the end of each test split, so they differ from the measured ones
            List<TrafficItem> warmup = warmupPerTask == 0 ? List.of()
                    : TrafficPlan.of(suite.tasks().stream().map(t -> new dev.twin.core.suite.TaskData(t.name(),
                    t.classes(), t.train(), t.validation(), tail(t.test(), warmupPerTask))).toList(), warmupPerTask, 12,
                    "warm");
            Map<String, Integer> expert = OfflineReference.experts(
                    Architectures.create(bundle.manifest().architecture()),
                    SuiteModelCache.loadOrTrain(suite, log).experts(), traffic);
            Path work = workDir != null ? workDir : TwinPaths.cacheDir().resolve("bench");
            TrafficRun.Settings settings = new TrafficRun.Settings(inFlight, java.time.Duration.ofSeconds(90), 60_000,
                    false);
            Map<String, TrafficReport> reports = new LinkedHashMap<>();
            for (String s : strategies) {
                // a slow strategy queues requests for long: synchronous calls wait as long as the traffic may stall
                Stack.Options options = Stack.Options.defaults().withRouter("twin.router.grouping.strategy", s)
                        .withRouter("twin.router.sync-timeout-ms", String.valueOf(settings.grpcDeadlineMs()));
                StackRun.Outcome out = StackRun.run(s, served.dir(), work, options, warmup, traffic, expert, settings,
                        log);
                reports.put(s, out.report());
                log.print(out.report().console());
            }
            Double baseline = reports.containsKey(SharedOnly.NAME) ? reports.get(SharedOnly.NAME).throughput() : null;
            cl.getOut().print(table(suite.name(), traffic.size(), reports, baseline));
            cl.getOut().flush();
            if (json != null) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                root.put("suite", suite.name());
                root.put("requests", traffic.size());
                root.put("machine", machine());
                ArrayNode arr = root.putArray("strategies");
                reports.forEach((s, r) -> {
                    ObjectNode n = r.json(mapper);
                    n.put("strategy", s);
                    if (baseline != null) {
                        n.put("throughput_ratio_to_static", r.throughput() / baseline);
                    }
                    arr.add(n);
                });
                TrafficReport.write(json, root);
                cl.getOut().println("json: " + json);
            }
            List<String> incomplete = new ArrayList<>();
            reports.forEach((s, r) -> {
                if (r.unanswered() > 0) {
                    incomplete.add(s + " (" + r.unanswered() + " unanswered)");
                }
            });
            if (!incomplete.isEmpty()) {
                throw new IllegalStateException("not every request was answered: " + incomplete + "; logs in " + work);
            }
            return 0;
        }

        private static dev.twin.core.suite.Split tail(dev.twin.core.suite.Split s, int k) {
            int n = Math.min(k, s.n());
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = s.n() - n + i;
            }
            return s.select(idx);
        }

        static String table(String suite, int requests, Map<String, TrafficReport> reports, Double baseline) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("twin bench e2e: %s, %d requests per strategy (half Kafka, half gRPC), %s%n", suite,
                    requests, machine()));
            sb.append("| strategy | throughput (answers/s) | × static | p50 (ms) | p99 (ms) | accuracy | normalized "
                    + "| clusters | cache hit rate |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            reports.forEach((s, r) -> sb.append(String.format("| %s | %.1f | %s | %.1f | %.1f | %.2f%% | %.2f | %d | "
                            + "%.1f%% |%n", s, r.throughput(), baseline == null ? "–"
                            : String.format("%.2f", r.throughput() / baseline), r.p50Ms(), r.p99Ms(),
                    100 * r.accuracy(), r.normalized(), r.clusters(), 100 * r.cache().hitRate())));
            return sb.toString();
        }

        static String machine() {
            return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB max heap of the client, " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
        }
    }
}
