package dev.twin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.OfflineReference;
import dev.twin.cli.traffic.RequestEncoding;
import dev.twin.cli.traffic.StackRun;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.Exact;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.model.Architectures;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin demo}: the whole system on one machine, from mixed traffic in to answers out, then shut down. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the stack (as twin up) on the fashion-mnist-8 bundle (built if missing; the synthetic "
                + "suite when the data is absent), stream a shuffled mix of test inputs of every task, half through "
                + "Kafka and half through gRPC, print the summary (it names the grouping strategy) and stop "
                + "everything (unless --keep). The log names the live dashboard's URL.")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON")
    Path json;

    @Option(names = "--per-task", paramLabel = "N", defaultValue = "500",
            description = "test inputs per task (default: ${DEFAULT-VALUE})")
    int perTask;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "shuffle seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--strategy", paramLabel = "S", defaultValue = Exact.NAME,
            description = "grouping strategy of the router: exact (each request its own merge weights, computed "
                    + "factored), lattice, group, top1, per-request or static (default: ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--kafka-encoding", paramLabel = "E", defaultValue = "PROTOBUF",
            description = "encoding of the Kafka requests: PROTOBUF (raw FP32 contents) or JSON (default: "
                    + "${DEFAULT-VALUE})")
    RequestEncoding kafkaEncoding;

    @Option(names = "--keep", description = "leave the stack up after the demo (its dashboard stays live; stop it "
            + "with twin down --workdir DIR)")
    boolean keep;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "broker data, logs and pids of the demo's stack (default: ~/.cache/twin/demo)")
    Path workDir;

    @Override
    public Integer call() {
        if (perTask < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--per-task must be positive, got " + perTask);
        }
        if (!GroupingStrategies.SERVING_NAMES.contains(strategy)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown strategy '" + strategy + "' (known: "
                    + GroupingStrategies.SERVING_NAMES + ")");
        }
        PrintStream log = new PrintStream(System.err, true);
        DefaultBundle.Served served = DefaultBundle.forDemo(log);
        TaskSuite suite = served.suite();
        Bundle bundle = Bundle.load(served.dir());
        List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), perTask, seed, "demo");
        log.println("scoring the fine-tuned experts offline on the same " + plan.size()
                + " inputs (the reference of normalized scores)");
        Map<String, Integer> expert = OfflineReference.experts(Architectures.create(bundle.manifest().architecture()),
                SuiteModelCache.loadOrTrain(suite, log).experts(), plan);
        Path work = workDir != null ? workDir : TwinPaths.cacheDir().resolve("demo");
        Stack.Options options = Stack.Options.defaults().withRouter("twin.router.grouping.strategy", strategy);
        StackRun.Outcome out = StackRun.run("demo (" + suite.name() + ", strategy " + strategy + ")", served.dir(), work,
                options, List.of(), plan, expert, TrafficRun.Settings.defaults().withKafkaEncoding(kafkaEncoding),
                StackRun.Hooks.NONE, keep, log);
        TrafficReport report = out.report();
        spec.commandLine().getOut().print(report.console());
        if (keep) {
            spec.commandLine().getOut().println("dashboard: " + out.dashboard() + " (stack kept up; stop it with: "
                    + "twin down --workdir " + work + ")");
        }
        spec.commandLine().getOut().flush();
        if (json != null) {
            TrafficReport.write(json, report.json(new ObjectMapper()));
            spec.commandLine().getOut().println("json: " + json);
        }
        if (report.unanswered() > 0) {
            throw new IllegalStateException(report.unanswered() + " of " + report.requests()
                    + " requests were not answered (first: " + out.result().unanswered().get(0).id() + "); logs in "
                    + work);
        }
        return 0;
    }
}
