package dev.twin.cli.traffic;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackEndpoints;
import dev.twin.cli.stack.StackRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One measured run on a fresh stack: up, an optional warm-up (not measured), the traffic, the merger's cache counters
 * over the traffic, and down — always, even when the run fails.
 */
public final class StackRun {
    private StackRun() {
    }

    /** The measured traffic's raw result and summary. */
    public record Outcome(TrafficResult result, TrafficReport report) {
    }

    public static Outcome run(String label, Path bundle, Path workDir, Stack.Options options,
                              List<TrafficItem> warmup, List<TrafficItem> traffic, Map<String, Integer> expert,
                              TrafficRun.Settings settings, PrintStream log) {
        StackRecord record = Stack.up(bundle, workDir, options, log);
        try {
            StackEndpoints e = record.endpoints();
            int mergerPort = record.service("merger-service").port();
            if (!warmup.isEmpty()) {
                log.println(label + ": warm-up with " + warmup.size() + " requests (not measured)");
                TrafficRun.run(warmup, e.bootstrap(), e.grpc(), e.model(), settings, log);
            }
            MergerStats before = MergerStats.read(mergerPort);
            log.println(label + ": streaming " + traffic.size() + " requests, half through Kafka and half through gRPC");
            TrafficResult result = TrafficRun.run(traffic, e.bootstrap(), e.grpc(), e.model(), settings, log);
            MergerStats cache = MergerStats.read(mergerPort).minus(before);
            return new Outcome(result, TrafficReport.of(label, result, expert, cache));
        } finally {
            log.println(label + ": stopping the stack");
            Stack.down(workDir);
        }
    }
}
