package dev.twin.cli.overload;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackEndpoints;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.ArrivalSchedule;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.suite.TaskSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code twin bench overload}: the stack's saturation rate in a closed loop, then {@code factor} × that rate in an
 * open loop for {@code seconds} (half Kafka, half gRPC, no client-side bound on requests in flight), then a drain.
 * Reports what the bounds did: gRPC calls refused with RESOURCE_EXHAUSTED, Kafka requests answered after the drain
 * (all of them is the promise), duplicates, dead letters, each service's peak resident memory and whether it lived.
 */
public final class OverloadBench {
    /** What the run saw; {@code peakRssMb} is each service's VmHWM at the end. */
    public record Result(double saturationPerSecond, double offeredPerSecond, double seconds, int kafkaRequests,
                         int kafkaAnswered, int grpcRequests, int grpcAnswered, Map<String, Integer> grpcErrorsByCode,
                         int deadLetters, int duplicates, Map<String, Long> peakRssMb, List<String> died) {

        public String table() {
            return String.format("saturation %.1f/s, offered %.1f/s for %.0f s%n"
                            + "Kafka: %d sent, %d answered, %d unanswered%n"
                            + "gRPC: %d sent, %d answered, errors by status %s%n"
                            + "dead letters %d, duplicate results %d%npeak RSS (MB) %s%nservices that died: %s%n",
                    saturationPerSecond, offeredPerSecond, seconds, kafkaRequests, kafkaAnswered,
                    kafkaRequests - kafkaAnswered, grpcRequests, grpcAnswered,
                    grpcErrorsByCode.isEmpty() ? "none" : grpcErrorsByCode,
                    deadLetters, duplicates, peakRssMb, died.isEmpty() ? "none" : died);
        }
    }

    private OverloadBench() {
    }

    public static Result run(TaskSuite suite, Path bundle, Path workDir, double factor, double seconds,
                             PrintStream log) {
        StackRecord stack = Stack.up(bundle, workDir, Stack.Options.defaults(), log);
        try {
            StackEndpoints e = stack.endpoints();
            // warm-up first: a cold stack (JIT, first merges, Kafka metadata) measured a fifth of its warm rate
            TrafficRun.run(TrafficPlan.of(suite.tasks(), 50, 3, "warm-up"), e.bootstrap(), e.grpc(), e.model(),
                    new TrafficRun.Settings(64, Duration.ofSeconds(120), 60_000, false), log);
            TrafficResult closed = TrafficRun.run(TrafficPlan.of(suite.tasks(), 100, 1, "saturation"), e.bootstrap(),
                    e.grpc(), e.model(), new TrafficRun.Settings(64, Duration.ofSeconds(120), 60_000, false), log);
            double saturation = closed.throughput();
            double rate = factor * saturation;
            List<TrafficItem> plan = repeated(suite, (int) Math.ceil(rate * seconds));
            log.printf("saturation %.1f answers/s; offering %.1f/s for %.0f s (%d requests)%n", saturation, rate,
                    seconds, plan.size());
            // no client-side bound: the stack's own bounds must hold
            TrafficResult r = TrafficRun.run(plan, e.bootstrap(), e.grpc(), e.model(),
                    new TrafficRun.Settings(plan.size() + 1, Duration.ofSeconds(180), 60_000, false),
                    ArrivalSchedule.openLoop(rate), log);
            int kafka = 0;
            int kafkaAnswered = 0;
            int grpc = 0;
            int grpcAnswered = 0;
            for (TrafficItem i : r.items()) {
                boolean answered = r.answers().containsKey(i.id());
                if (i.channel() == Channel.KAFKA) {
                    kafka++;
                    kafkaAnswered += answered ? 1 : 0;
                } else {
                    grpc++;
                    grpcAnswered += answered ? 1 : 0;
                }
            }
            Map<String, Integer> byCode = new java.util.TreeMap<>();
            r.grpcErrors().values().forEach(m -> byCode.merge(statusCode(m), 1, Integer::sum));
            Map<String, Long> rss = new LinkedHashMap<>();
            List<String> died = new ArrayList<>();
            for (StackRecord.Service s : StackRecord.read(workDir.toAbsolutePath().normalize()).services()) {
                long mb = peakRssMb(s.pid());
                if (mb < 0) {
                    died.add(s.name());
                } else {
                    rss.put(s.name(), mb);
                }
            }
            return new Result(saturation, rate, seconds, kafka, kafkaAnswered, grpc, grpcAnswered, byCode,
                    r.deadLetters().size(), r.duplicates(), rss, died);
        } finally {
            Stack.down(workDir);
        }
    }

    /** n requests cycling through the suite's test items (ids made unique per round). */
    private static List<TrafficItem> repeated(TaskSuite suite, int n) {
        int perTask = Math.min(1000, Math.max(1, (n + suite.tasks().size() - 1) / suite.tasks().size()));
        List<TrafficItem> base = TrafficPlan.of(suite.tasks(), perTask, 2, "over");
        List<TrafficItem> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            TrafficItem i = base.get(k % base.size());
            out.add(new TrafficItem(i.id() + "-" + k / base.size(), i.task(), i.label(), i.input(),
                    k % 2 == 0 ? Channel.KAFKA : Channel.GRPC));
        }
        return out;
    }

    /** The gRPC status code a failed call's message starts with ("RESOURCE_EXHAUSTED: …"), else "OTHER". */
    static String statusCode(String message) {
        String head = message == null ? "" : message.split(":", 2)[0].trim();
        return head.matches("[A-Z][A-Z_]+") ? head : "OTHER";
    }

    /** VmHWM of a live process in MB, or -1 when it is gone. */
    private static long peakRssMb(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            return 0;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
