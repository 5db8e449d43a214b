package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.ArrivalSchedule;
import dev.twin.cli.traffic.MergerStats;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.TaskSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Elastic scale-out with real processes: two routers, then executors 1 → 2 → 3 and mergers 1 → 2 while open-loop
 * lattice traffic (Kafka and gRPC) flows, then one executor and one merger removed. Every request is answered, each
 * new executor and merger takes traffic, the mergers' ring follows the heartbeats, and the run reports the merged-set
 * cache hit rate per phase (across the rebalances) and how long each scale event took to take effect.
 */
class ScaleOutTest {
    private static final double RATE = 25; // requests per second, well under the stack's saturation here
    private static final Duration EVENT_BOUND = Duration.ofSeconds(120);
    private static final String MERGER = "merger-service";
    private static final String EXECUTOR = "executor-service";
    private static Path work;
    private static StackRecord stack;
    private static TaskSuite suite;

    @BeforeAll
    static void up() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "scale-").toAbsolutePath();
        suite = SyntheticBundle.suite();
        Bundle bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        stack = Stack.up(bundle.dir(), work, Stack.Options.defaults().withInstances(2, 1, 1)
                .withRouter("twin.router.grouping.strategy", "lattice")
                .withMerger("twin.merger.cluster-execution", "materialized")
                .withRouter("twin.router.grouping.cluster-records", "per-cluster")
                .withRouter("twin.router.sync-timeout-ms", "90000"), System.out);
    }

    @AfterAll
    static void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    /** One scale event: what happened, its durations in ms, and the cache counters of the phase it closed. */
    private record Phase(String name, long effectMs, long sinceReadyMs, String effect, long hits, long misses) {
        double hitRate() {
            return hits + misses == 0 ? Double.NaN : 100.0 * hits / (hits + misses);
        }
    }

    @Test
    @Timeout(900)
    void executorsAndMergersJoinAndLeaveDuringARunAndEveryRequestIsAnswered() throws Exception {
        // traffic in chunks of ~15 s until the last scale event is over (the events' length depends on the machine)
        AtomicBoolean eventsDone = new AtomicBoolean();
        CompletableFuture<List<TrafficResult>> run = CompletableFuture.supplyAsync(() -> {
            List<TrafficResult> chunks = new ArrayList<>();
            do {
                int c = chunks.size();
                List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 600, 11 + c, "scale" + c)
                        .subList(0, (int) (RATE * 15));
                chunks.add(TrafficRun.run(plan, stack.endpoints().bootstrap(), stack.endpoints().grpc(),
                        stack.endpoints().model(), new TrafficRun.Settings(64, Duration.ofSeconds(90), 90_000, false),
                        ArrivalSchedule.openLoop(RATE), System.out));
            } while (!eventsDone.get());
            return chunks;
        });
        List<Phase> phases = new ArrayList<>();
        try (ScaleProbe probe = new ScaleProbe(stack.endpoints().bootstrap())) {
            scale(probe, phases);
        } finally {
            eventsDone.set(true);
        }
        List<TrafficResult> chunks = run.get(300, TimeUnit.SECONDS);
        report(phases, chunks);
    }

    /** The scale events in order, each closing a phase once it took effect and a few seconds of traffic followed. */
    private static void scale(ScaleProbe probe, List<Phase> phases) throws Exception {
        // a steady state first: traffic reaches the merger, then the first clusters are materialized, the cache warm
        ScaleProbe.millisUntil(System.nanoTime(), EVENT_BOUND, "first clusters served", () -> {
            MergerStats s = MergerStats.read(stack.service(MERGER).port());
            return s.hits() + s.misses() > 0;
        });
        Thread.sleep(5000);
        Map<String, MergerStats> last = ScaleProbe.caches(stack.instances(MERGER));
        phases.add(phase("warm-up (1 merger, 1 executor)", 0, 0, "", Map.of(), last));

        for (int k = 2; k <= 3; k++) {
            Map<String, MergerStats> before = ScaleProbe.caches(stack.instances(MERGER));
            long t0 = System.nanoTime();
            stack = Stack.add(work, EXECUTOR, System.out);
            long ready = (System.nanoTime() - t0) / 1_000_000;
            StackRecord.Service added = stack.instances(EXECUTOR).get(k - 1);
            String address = "127.0.0.1:" + added.port();
            int mergerPort = stack.service(MERGER).port();
            long took = ScaleProbe.millisUntil(t0, EVENT_BOUND, address + " answering calls",
                    () -> probe.answeredBy(mergerPort, address) > 0);
            assertEquals(k, probe.ring(mergerPort).size(), "ring of " + k + " executors");
            Thread.sleep(4000);
            phases.add(phase("executors " + (k - 1) + " -> " + k, took, took - ready,
                    "new executor answers calls", before, ScaleProbe.caches(stack.instances(MERGER))));
        }

        Map<String, MergerStats> before = ScaleProbe.caches(stack.instances(MERGER));
        long t0 = System.nanoTime();
        stack = Stack.add(work, MERGER, System.out);
        long ready = (System.nanoTime() - t0) / 1_000_000;
        long stable = ScaleProbe.millisUntil(t0, EVENT_BOUND, "group twin-merger stable with 2 members",
                () -> probe.groupStable("twin-merger", 2));
        StackRecord.Service merger2 = stack.instances(MERGER).get(1);
        long took = ScaleProbe.millisUntil(t0, EVENT_BOUND, merger2.name() + " serving clusters", () -> {
            MergerStats s = MergerStats.read(merger2.port());
            return s.hits() + s.misses() > 0;
        });
        Thread.sleep(4000);
        phases.add(phase("mergers 1 -> 2", took, took - ready, "group stable after " + stable + " ms; new merger"
                + " serves clusters", before, ScaleProbe.caches(stack.instances(MERGER))));

        StackRecord.Service exec2 = stack.instances(EXECUTOR).get(1);
        String gone = "127.0.0.1:" + exec2.port();
        before = ScaleProbe.caches(stack.instances(MERGER));
        t0 = System.nanoTime();
        stack = Stack.remove(work, exec2.name(), System.out);
        took = ScaleProbe.millisUntil(t0, EVENT_BOUND, gone + " off every ring", () -> stack.instances(MERGER)
                .stream().noneMatch(m -> probe.ring(m.port()).contains(gone)));
        Thread.sleep(3000);
        phases.add(phase("executors 3 -> 2", took, took, "off every merger's ring (tombstone)", before,
                ScaleProbe.caches(stack.instances(MERGER))));

        before = ScaleProbe.caches(stack.instances(MERGER));
        t0 = System.nanoTime();
        stack = Stack.remove(work, merger2.name(), System.out);
        took = ScaleProbe.millisUntil(t0, EVENT_BOUND, "group twin-merger stable with 1 member",
                () -> probe.groupStable("twin-merger", 1));
        Thread.sleep(3000);
        phases.add(phase("mergers 2 -> 1", took, took, "group stable with 1 member", before,
                ScaleProbe.caches(stack.instances(MERGER))));
        assertEquals(2, probe.ring(stack.service(MERGER).port()).size(), "two executors left on the ring");
    }

    private static void report(List<Phase> phases, List<TrafficResult> chunks) {
        System.out.println("scale-out: phase | effect after (ms) | after ready (ms) | what | cache hits/misses | hit"
                + " rate");
        for (Phase p : phases) {
            System.out.printf("scale-out: %s | %d | %d | %s | %d/%d | %.1f%%%n", p.name(), p.effectMs(),
                    p.sinceReadyMs(), p.effect(), p.hits(), p.misses(), p.hitRate());
        }
        int requests = 0;
        int answered = 0;
        int duplicates = 0;
        for (TrafficResult r : chunks) {
            requests += r.items().size();
            answered += r.answers().size();
            duplicates += r.duplicates();
        }
        System.out.printf("scale-out: %d requests in %d chunks, %d answered, %d duplicate results (at-least-once "
                + "redelivery, dropped by id)%n", requests, chunks.size(), answered, duplicates);
        for (TrafficResult r : chunks) {
            assertEquals(List.of(), r.unanswered().stream().map(TrafficItem::id).toList(), "unanswered requests");
            assertEquals(r.items().size(), r.answers().size(), "one answer per request id");
            assertEquals(Map.of(), r.grpcErrors(), "gRPC errors");
            assertEquals(List.of(), r.deadLetters(), "requests in the DLQ");
            for (TrafficItem i : r.items()) {
                assertEquals(i.task(), r.answers().get(i.id()).task(), "head used for " + i.id());
            }
        }
        assertEquals(6, phases.size(), "every scale event happened");
    }

    /**
     * The cache counters of a phase: summed over the mergers alive at its end, after minus before (a merger that
     * joined counts from 0; one that left took its counters with it).
     */
    private static Phase phase(String name, long effectMs, long sinceReadyMs, String effect,
                               Map<String, MergerStats> before, Map<String, MergerStats> after) {
        long hits = 0;
        long misses = 0;
        for (Map.Entry<String, MergerStats> e : after.entrySet()) {
            MergerStats b = before.getOrDefault(e.getKey(), new MergerStats(0, 0));
            hits += e.getValue().hits() - b.hits();
            misses += e.getValue().misses() - b.misses();
        }
        return new Phase(name, effectMs, sinceReadyMs, effect, hits, misses);
    }
}
