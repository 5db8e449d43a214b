package dev.twin.cli.bench;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.MergerStats;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code twin bench e2e --rounds N} (N ≥ 2): every strategy's stack up at once, each warmed up, then N rounds in which
 * each strategy's closed loop runs in turn (the first of each round rotating), then every open-loop point N times the
 * same way. Run one after the other, the strategies are measured minutes apart, and on a shared host the machine's
 * speed drifts over minutes (1 Dec 2026: the same version's static measured 1,888 and 2,497 answers/s in two runs,
 * its Kafka relay ceiling 10,935 and 13,123 records/s). Interleaved, each round's ratio pairs measurements seconds
 * apart, and the median round shrugs off a stall. The price: the stacks not being measured idle beside the one that
 * is (about a tenth of a core each, mostly their brokers' fetch loops), so answers/s come out a little lower than in
 * a sequential run.
 */
final class InterleavedBench {
    private InterleavedBench() {
    }

    static E2eReport run(E2eBench.Inputs in, E2eBench.Settings s, PrintStream log) {
        TrafficRun.Settings closedLoop = E2eBench.closedLoop(s);
        List<String> order = E2eBench.order(s, log);
        Map<String, Path> dirs = new LinkedHashMap<>();
        Map<String, StackRecord> stacks = new LinkedHashMap<>();
        Map<String, TrafficReport> closed = new LinkedHashMap<>();
        Map<String, List<Double>> throughputs = new LinkedHashMap<>();
        List<OpenLoopPoint> points;
        KafkaRelay.Ceiling relay = null;
        Map<String, List<JfrProfile.Summary>> profiles = new LinkedHashMap<>();
        try {
            for (String strategy : order) {
                Path dir = s.workDir().resolve("stack-" + strategy);
                dirs.put(strategy, dir);
                log.println(strategy + ": starting its stack in " + dir);
                stacks.put(strategy, Stack.up(in.bundleDir(), dir, E2eBench.options(strategy, s, closedLoop), log));
                log.println(strategy + ": live dashboard at " + stacks.get(strategy).endpoints().dashboard());
            }
            for (String strategy : order) {
                warm(strategy, stacks.get(strategy), in, s, closedLoop, log);
            }
            if (s.jfr()) {
                stacks.values().forEach(r -> r.services().forEach(x -> JfrProfile.start(x.pid())));
            }
            closedRounds(order, stacks, in, s, closedLoop, log).forEach((strategy, list) -> {
                closed.put(strategy, medianRound(list));
                throughputs.put(strategy, list.stream().map(TrafficReport::throughput).toList());
                log.print(closed.get(strategy).console());
            });
            points = openLoop(order, stacks, closed, in.traffic(), s, log);
            if (stacks.containsKey(E2eReport.STATIC) && s.relayRecords() > 0) {
                relay = E2eBench.relay(stacks.get(E2eReport.STATIC), in.traffic(), s, log);
            }
            if (s.jfr()) {
                stacks.forEach((strategy, r) -> profiles.put(strategy, E2eBench.stopProfiles(strategy, r,
                        s.workDir())));
            }
        } finally {
            dirs.forEach((strategy, dir) -> {
                log.println(strategy + ": stopping its stack");
                Stack.down(dir);
            });
        }
        return new E2eReport(in.suite(), E2eBench.machine(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                closed, throughputs, points, relay, E2eBench.engineCeiling(in, s, log), profiles);
    }

    private static void warm(String strategy, StackRecord record, E2eBench.Inputs in, E2eBench.Settings s,
                             TrafficRun.Settings closedLoop, PrintStream log) {
        if (!in.warmup().isEmpty()) {
            log.println(strategy + ": warm-up with " + in.warmup().size() + " requests (not measured)");
            TrafficRun.run(in.warmup(), record.endpoints().bootstrap(), record.endpoints().grpc(),
                    record.endpoints().model(), closedLoop, log);
        }
        E2eBench.warmFor(strategy, record, in.warmup().isEmpty() ? in.traffic() : in.warmup(), s.warmupSeconds(),
                closedLoop, log);
    }

    /** {@code s.rounds()} rounds of every strategy's closed loop; in round r the strategies start at order[r mod n]. */
    private static Map<String, List<TrafficReport>> closedRounds(List<String> order, Map<String, StackRecord> stacks,
                                                                 E2eBench.Inputs in, E2eBench.Settings s,
                                                                 TrafficRun.Settings closedLoop, PrintStream log) {
        Map<String, List<TrafficReport>> out = new LinkedHashMap<>();
        order.forEach(x -> out.put(x, new ArrayList<>()));
        for (int r = 0; r < s.rounds(); r++) {
            for (int k = 0; k < order.size(); k++) {
                String strategy = order.get((r + k) % order.size());
                StackRecord record = stacks.get(strategy);
                String prefix = "r" + r + "-" + strategy;
                List<TrafficItem> items = E2eBench.cycle(in.traffic(), in.traffic().size(), prefix);
                int mergerPort = record.service("merger-service").port();
                MergerStats before = MergerStats.read(mergerPort);
                log.println(String.format(Locale.ROOT, "%s: round %d of %d, %d requests", strategy, r + 1, s.rounds(),
                        items.size()));
                TrafficResult result = TrafficRun.run(items, record.endpoints().bootstrap(), record.endpoints().grpc(),
                        record.endpoints().model(), closedLoop, log);
                TrafficReport report = TrafficReport.of(strategy, result, renamed(in.expert(), in.traffic(), items),
                        MergerStats.read(mergerPort).minus(before));
                log.println(String.format(Locale.ROOT, "  %.1f answers/s, p50 %.1f ms, p99 %.1f ms, %d unanswered",
                        report.throughput(), report.p50Ms(), report.p99Ms(), report.unanswered()));
                out.get(strategy).add(report);
            }
        }
        return out;
    }

    /** The round of median throughput (the lower of the middle two for an even count). */
    static TrafficReport medianRound(List<TrafficReport> rounds) {
        List<TrafficReport> sorted = rounds.stream().sorted(Comparator.comparingDouble(TrafficReport::throughput))
                .toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** {@code expert} (by the original items' ids) keyed by the ids of {@code renamed}, item k for item k. */
    static Map<String, Integer> renamed(Map<String, Integer> expert, List<TrafficItem> original,
                                        List<TrafficItem> renamed) {
        Map<String, Integer> out = new HashMap<>();
        for (int k = 0; k < renamed.size(); k++) {
            Integer e = expert.get(original.get(k % original.size()).id());
            if (e != null) {
                out.put(renamed.get(k).id(), e);
            }
        }
        return out;
    }

    /**
     * Every strategy's open-loop points, each run {@code s.rounds()} times: point by point from the lowest rate up on
     * every stack (as in a sequential run), and for each point round by round across the strategies. Each point's
     * latencies are pooled over its rounds.
     */
    private static List<OpenLoopPoint> openLoop(List<String> order, Map<String, StackRecord> stacks,
                                                Map<String, TrafficReport> closed, List<TrafficItem> traffic,
                                                E2eBench.Settings s, PrintStream log) {
        Map<String, List<OpenLoopTarget>> plans = new LinkedHashMap<>();
        Map<String, List<OpenLoopTarget>> ascending = new HashMap<>();
        for (String strategy : order) {
            double own = closed.get(strategy).throughput();
            Double basis = E2eBench.staticSaturation(closed, strategy, own);
            plans.put(strategy, basis == null || own <= 0 ? List.of() : OpenLoopTarget.plan(basis, own,
                    s.openLoopFractions(), s.openLoopOwn(), s.openLoopSeconds(), E2eBench.OPEN_LOOP_MIN_REQUESTS,
                    s.maxOverload()));
            ascending.put(strategy, OpenLoopTarget.runOrder(plans.get(strategy)));
        }
        // per strategy by identity: the record OpenLoopTarget is equal across strategies at the same static rate
        Map<String, Map<OpenLoopTarget, List<TrafficResult>>> runs = new HashMap<>();
        order.forEach(x -> runs.put(x, new IdentityHashMap<>()));
        int most = plans.values().stream().mapToInt(List::size).max().orElse(0);
        for (int k = 0; k < most; k++) {
            for (int r = 0; r < s.rounds(); r++) {
                for (int j = 0; j < order.size(); j++) {
                    String strategy = order.get((r + j) % order.size());
                    List<OpenLoopTarget> points = ascending.get(strategy);
                    if (k >= points.size() || !points.get(k).runs()) {
                        continue;
                    }
                    OpenLoopTarget t = points.get(k);
                    runs.get(strategy).computeIfAbsent(t, x -> new ArrayList<>()).add(E2eBench.openLoopPoint(strategy,
                            stacks.get(strategy), traffic, t, "-r" + r, s, log));
                }
            }
        }
        List<OpenLoopPoint> out = new ArrayList<>();
        plans.forEach((strategy, plan) -> plan.forEach(t -> {
            if (!t.runs()) {
                log.println(strategy + ": open loop at " + t.basis() + " × " + t.fraction() + " skipped: "
                        + t.skipped());
            }
            out.add(t.runs() ? OpenLoopPoint.measured(strategy, t, runs.get(strategy).get(t)) : OpenLoopPoint.skipped(strategy, t));
        }));
        return out;
    }
}
