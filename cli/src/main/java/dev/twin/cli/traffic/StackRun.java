package dev.twin.cli.traffic;

import dev.twin.cli.security.ClientSecurity;
import dev.twin.cli.security.StackSecurity;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackEndpoints;
import dev.twin.cli.stack.StackRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One measured run on a fresh stack: up, an optional warm-up (not measured), the traffic, the merger's cache counters
 * over the traffic, optional further work on the same stack (hooks), and down — always, even when the run fails.
 */
public final class StackRun {
    private StackRun() {
    }

    /** The measured traffic's raw result and summary. */
    public record Outcome(TrafficResult result, TrafficReport report, String dashboard) {
    }

    /** Work on the running stack around the measured traffic: after the warm-up, and after the traffic (its report). */
    public record Hooks(Consumer<StackRecord> beforeMeasured, BiConsumer<StackRecord, TrafficReport> afterMeasured) {
        public static final Hooks NONE = new Hooks(r -> { }, (r, t) -> { });
    }

    public static Outcome run(String label, Path bundle, Path workDir, Stack.Options options,
                              List<TrafficItem> warmup, List<TrafficItem> traffic, Map<String, Integer> expert,
                              TrafficRun.Settings settings, PrintStream log) {
        return run(label, bundle, workDir, options, warmup, traffic, expert, settings, Hooks.NONE, log);
    }

    /** As above, running {@code hooks} on the stack before it goes down. */
    public static Outcome run(String label, Path bundle, Path workDir, Stack.Options options,
                              List<TrafficItem> warmup, List<TrafficItem> traffic, Map<String, Integer> expert,
                              TrafficRun.Settings settings, Hooks hooks, PrintStream log) {
        return run(label, bundle, workDir, options, warmup, traffic, expert, settings, hooks, false, log);
    }

    /** As above; with {@code keep} the stack stays up after the run (stop it with twin down). */
    public static Outcome run(String label, Path bundle, Path workDir, Stack.Options options,
                              List<TrafficItem> warmup, List<TrafficItem> traffic, Map<String, Integer> expert,
                              TrafficRun.Settings settings, Hooks hooks, boolean keep, PrintStream log) {
        StackRecord record = Stack.up(bundle, workDir, options, log);
        log.println(label + ": live dashboard at " + record.endpoints().dashboard());
        boolean failed = true;
        ClientSecurity security = options.security().map(StackSecurity::client).orElse(ClientSecurity.NONE);
        try {
            StackEndpoints e = record.endpoints();
            int mergerPort = record.service("merger-service").port();
            if (!warmup.isEmpty()) {
                log.println(label + ": warm-up with " + warmup.size() + " requests (not measured)");
                TrafficRun.run(warmup, e.bootstrap(), e.grpc(), e.model(), settings, security, log);
            }
            hooks.beforeMeasured().accept(record);
            MergerStats before = MergerStats.read(mergerPort);
            log.println(label + ": streaming " + traffic.size() + " requests, half through Kafka and half through gRPC");
            TrafficResult result = TrafficRun.run(traffic, e.bootstrap(), e.grpc(), e.model(), settings, security, log);
            MergerStats cache = MergerStats.read(mergerPort).minus(before);
            TrafficReport report = TrafficReport.of(label, result, expert, cache);
            hooks.afterMeasured().accept(record, report);
            failed = false;
            return new Outcome(result, report, record.endpoints().dashboard());
        } finally {
            if (keep && !failed) {
                log.println(label + ": the stack stays up (--keep); dashboard " + record.endpoints().dashboard()
                        + "; stop it with: twin down --workdir " + workDir);
            } else {
                log.println(label + ": stopping the stack");
                Stack.down(workDir);
            }
        }
    }
}
