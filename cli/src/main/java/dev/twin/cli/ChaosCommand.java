package dev.twin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.chaos.ChaosReport;
import dev.twin.cli.chaos.ChaosRun;
import dev.twin.cli.chaos.Fault;
import dev.twin.cli.stack.DefaultBundle;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.core.runtime.TwinPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin bench chaos}: faults injected into a running stack under mixed traffic, with the report. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Start the stack (as twin up), stream mixed traffic (half Kafka records, half OIP gRPC calls) at "
                + "a fixed rate, and kill (SIGKILL) and start again the parts named by --faults one after the other; "
                + "then wait until every Kafka request is answered and report: lost (must be 0), dead-lettered, "
                + "duplicate results, gRPC errors by code, and per fault the recovery times and what health said. "
                + "Exit code 1 when a guarantee broke.")
final class ChaosCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--faults", split = ",", paramLabel = "F,...",
            defaultValue = "broker:10,router,merger,executor,broker:150",
            description = "faults in order: broker|router|merger|executor, optionally :SECONDS left down "
                    + "(default: ${DEFAULT-VALUE}; 150 s is longer than the services' producer delivery timeout, "
                    + "max.block and session timeouts)")
    List<String> faults;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "40",
            description = "requests per second, half on each channel (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "15",
            description = "traffic before the first fault (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--settle-seconds", paramLabel = "S", defaultValue = "20",
            description = "traffic after each recovery before the next fault (default: ${DEFAULT-VALUE})")
    int settle;

    @Option(names = "--recovery-timeout", paramLabel = "S", defaultValue = "300",
            description = "bound on one fault's recovery (default: ${DEFAULT-VALUE})")
    int recoveryTimeout;

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "180",
            description = "at the end, how long to wait without a new answer (default: ${DEFAULT-VALUE})")
    int drain;

    @Option(names = "--grpc-deadline-ms", paramLabel = "MS", defaultValue = "30000",
            description = "deadline of each gRPC call (default: ${DEFAULT-VALUE})")
    long grpcDeadline;

    @Option(names = "--json", paramLabel = "FILE", description = "write the report as JSON (and FILE.md as markdown)")
    Path json;

    @Option(names = "--workdir", paramLabel = "DIR", description = "default: ~/.cache/twin/chaos")
    Path workDir;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        List<Fault> parsed = new ArrayList<>();
        for (String f : faults) {
            try {
                parsed.add(Fault.parse(f));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--faults: " + e.getMessage());
            }
        }
        if (!(rate > 0) || warmup < 0 || settle < 0 || recoveryTimeout < 1 || drain < 1 || grpcDeadline < 1) {
            throw new CommandLine.ParameterException(cl, "--rate, --recovery-timeout, --drain-seconds and "
                    + "--grpc-deadline-ms must be positive; --warmup-seconds and --settle-seconds not negative");
        }
        PrintStream log = new PrintStream(System.err, true);
        DefaultBundle.Served served = DefaultBundle.forDemo(log);
        Path work = workDir != null ? workDir : TwinPaths.cacheDir().resolve("chaos");
        ChaosRun.Settings settings = new ChaosRun.Settings(rate, Duration.ofSeconds(warmup), Duration.ofSeconds(settle),
                Duration.ofSeconds(recoveryTimeout), Duration.ofSeconds(drain), grpcDeadline);
        ChaosReport report;
        Stack.up(served.dir(), work, log);
        try {
            report = ChaosRun.run(work, TrafficPlan.of(served.suite().tasks(), 50, 7, "pool"), parsed, settings, log);
        } finally {
            Stack.down(work).forEach(s -> log.println("stopped " + s));
        }
        cl.getOut().print(report.markdown());
        if (json != null) {
            TrafficReport.write(json, report.json(new ObjectMapper()));
            Path md = json.resolveSibling(json.getFileName() + ".md");
            try {
                Files.writeString(md, report.markdown());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + md, e);
            }
            cl.getOut().println("json: " + json + ", markdown: " + md);
        }
        List<String> problems = report.problems();
        problems.forEach(p -> cl.getErr().println("chaos: " + p));
        cl.getOut().flush();
        return problems.isEmpty() ? 0 : 1;
    }
}
