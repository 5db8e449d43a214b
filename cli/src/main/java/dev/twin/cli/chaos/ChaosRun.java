package dev.twin.cli.chaos;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.TrafficItem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams mixed traffic into the stack recorded in a working directory while it kills and restarts the parts named
 * by the faults, one after the other: kill (SIGKILL), stay down, start again, wait until both channels answer new
 * requests and every service is healthy, let it settle, next fault. Then it stops sending, waits until every Kafka
 * request is answered (or nothing moves for the drain timeout) and reports.
 */
public final class ChaosRun {
    /**
     * Requests per second (half Kafka, half gRPC), the time before the first fault, the pause after each recovery,
     * the bound on one recovery, the drain bound at the end (time without a new answer) and the gRPC deadline.
     */
    public record Settings(double ratePerSecond, Duration warmup, Duration settle, Duration recoveryTimeout,
                           Duration drainTimeout, long grpcDeadlineMs) {
        public Settings {
            if (!(ratePerSecond > 0) || grpcDeadlineMs < 1) {
                throw new IllegalArgumentException("chaos rate and gRPC deadline must be positive, got "
                        + ratePerSecond + "/s and " + grpcDeadlineMs + " ms");
            }
        }
    }

    /** When one fault happened and recovered (System.nanoTime(); -1 = never). */
    record FaultTimes(Fault fault, long killedPid, long killNanos, long readyNanos, long kafkaBackNanos,
                      long grpcBackNanos, long healthUpNanos) {
    }

    private ChaosRun() {
    }

    public static ChaosReport run(Path workDir, List<TrafficItem> pool, List<Fault> faults, Settings s,
                                  PrintStream log) {
        StackRecord record = StackRecord.read(workDir);
        if (record == null) {
            throw new IllegalStateException("no stack runs from " + workDir + ": start one first (twin up)");
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        record.services().forEach(sv -> ports.put(sv.name(), sv.port()));
        long start = System.nanoTime();
        List<FaultTimes> times = new ArrayList<>();
        try (HealthWatch health = new HealthWatch(ports);
             ChaosTraffic traffic = new ChaosTraffic(pool, record.endpoints().bootstrap(), record.endpoints().grpc(),
                     record.endpoints().model(), s.ratePerSecond(), s.grpcDeadlineMs(), "chaos-" + start)) {
            traffic.start();
            log.printf("chaos: %.0f requests/s (half Kafka, half gRPC); warm-up %d s%n", s.ratePerSecond(),
                    s.warmup().toSeconds());
            sleep(s.warmup());
            for (Fault f : faults) {
                times.add(inject(workDir, f, traffic, health, s, log));
                sleep(s.settle());
            }
            traffic.stopSending();
            long sentAll = System.nanoTime();
            log.printf("chaos: %d requests sent; waiting for the Kafka requests' answers%n", traffic.sent().size());
            drain(traffic, s.drainTimeout());
            return ChaosReport.of(s, traffic.sent(), health.samples(), times, start, sentAll, System.nanoTime());
        }
    }

    private static FaultTimes inject(Path workDir, Fault f, ChaosTraffic traffic, HealthWatch health, Settings s,
                                     PrintStream log) {
        long kill = System.nanoTime();
        long pid = f.kind() == Fault.Kind.BROKER ? Stack.killBroker(workDir) : Stack.kill(workDir, f.kind().service());
        log.printf("chaos: %s (pid %d)%n", f.label(), pid);
        if (pid < 0) {
            throw new IllegalStateException(f.kind().service() + " was not running: cannot inject '" + f.label()
                    + "'");
        }
        sleep(Duration.ofSeconds(f.downSeconds()));
        if (f.kind() == Fault.Kind.BROKER) {
            Stack.startBroker(workDir, log);
        } else {
            Stack.start(workDir, f.kind().service(), log);
        }
        long ready = System.nanoTime();
        long deadline = ready + s.recoveryTimeout().toNanos();
        long kafkaBack = -1;
        long grpcBack = -1;
        long healthUp = -1;
        while (System.nanoTime() < deadline && (kafkaBack < 0 || grpcBack < 0 || healthUp < 0)) {
            for (ChaosTraffic.Request r : traffic.sent()) {
                if (r.sentNanos < kill) {
                    continue;
                }
                if (r.channel == Channel.KAFKA && r.answeredNanos > 0) {
                    kafkaBack = kafkaBack < 0 ? r.answeredNanos : Math.min(kafkaBack, r.answeredNanos);
                }
                if (r.channel == Channel.GRPC && "OK".equals(r.grpcCode) && r.sentNanos >= ready) {
                    grpcBack = grpcBack < 0 ? r.grpcDoneNanos : Math.min(grpcBack, r.grpcDoneNanos);
                }
            }
            if (healthUp < 0 && health.allUp()) {
                healthUp = System.nanoTime();
            }
            sleep(Duration.ofMillis(200));
        }
        log.printf("chaos: %s: ready again after %.1f s, Kafka answers after %s, gRPC after %s, healthy after %s%n",
                f.label(), (ready - kill) / 1e9, seconds(kafkaBack, kill), seconds(grpcBack, kill),
                seconds(healthUp, kill));
        return new FaultTimes(f, pid, kill, ready, kafkaBack, grpcBack, healthUp);
    }

    /** Waits until every Kafka request is answered or dead-lettered, or nothing new arrives for {@code quiet}. */
    private static void drain(ChaosTraffic traffic, Duration quiet) {
        long lastChange = System.nanoTime();
        long lastOpen = Long.MAX_VALUE;
        while (System.nanoTime() - lastChange < quiet.toNanos()) {
            long open = traffic.sent().stream().filter(r -> r.channel == Channel.KAFKA && r.answeredNanos < 0
                    && r.deadLetter == null && r.sendError == null).count();
            if (open == 0) {
                sleep(Duration.ofSeconds(2)); // late duplicates still count
                return;
            }
            if (open < lastOpen) {
                lastOpen = open;
                lastChange = System.nanoTime();
            }
            sleep(Duration.ofMillis(200));
        }
    }

    static String seconds(long at, long from) {
        return at < 0 ? "never" : String.format("%.1f s", (at - from) / 1e9);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("chaos run interrupted", e);
        }
    }
}
