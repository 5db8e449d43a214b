package dev.twin.cli.traffic;

import dev.twin.cli.security.ClientSecurity;
import dev.twin.core.runtime.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;

/**
 * Streams a traffic plan into a running stack: Kafka items as records on the requests topic (protobuf with raw
 * contents by default, or JSON), gRPC items as ModelInfer calls with raw contents, each channel with a bounded
 * number of requests in flight (a closed loop, so latencies measure the stack rather than a client-side queue).
 * Kafka items are answered on the results topic (their copies there are counted: duplicates); a gRPC call is answered
 * by its router (which reads its own reply topic), or fails with its status.
 *
 * <p>With an arrival rate (open loop) the k-th item is due at k / rate seconds after the start whatever the answers
 * do, and its latency counts from that due time, so a send that waits for a free slot still shows as latency.
 */
public final class TrafficRun {
    /**
     * Requests in flight per channel, the longest wait without any progress, the gRPC deadline, a progress bar, and
     * the encoding of Kafka requests.
     */
    public record Settings(int inFlight, Duration stallTimeout, long grpcDeadlineMs, boolean progress,
                           RequestEncoding kafkaEncoding) {
        /** Kafka requests as protobuf with raw contents. */
        public Settings(int inFlight, Duration stallTimeout, long grpcDeadlineMs, boolean progress) {
            this(inFlight, stallTimeout, grpcDeadlineMs, progress, RequestEncoding.PROTOBUF);
        }

        public static Settings defaults() {
            return new Settings(64, Duration.ofSeconds(90), 30_000, true);
        }

        public Settings withKafkaEncoding(RequestEncoding encoding) {
            return new Settings(inFlight, stallTimeout, grpcDeadlineMs, progress, encoding);
        }
    }

    private TrafficRun() {
    }

    public static TrafficResult run(List<TrafficItem> plan, String bootstrap, String grpcTarget, String model,
                                    Settings s, PrintStream log) {
        return run(plan, bootstrap, grpcTarget, model, s, ArrivalSchedule.CLOSED_LOOP, n -> { }, ClientSecurity.NONE, log);
    }

    /** As above against a secured stack (Kafka SASL_SSL, gRPC over TLS: {@code security}). */
    public static TrafficResult run(List<TrafficItem> plan, String bootstrap, String grpcTarget, String model,
                                    Settings s, ClientSecurity security, PrintStream log) {
        return run(plan, bootstrap, grpcTarget, model, s, ArrivalSchedule.CLOSED_LOOP, n -> { }, security, log);
    }

    /** As above with an arrival schedule (open loop: requests due at a fixed rate, latency from the due time). */
    public static TrafficResult run(List<TrafficItem> plan, String bootstrap, String grpcTarget, String model,
                                    Settings s, ArrivalSchedule arrivals, PrintStream log) {
        return run(plan, bootstrap, grpcTarget, model, s, arrivals, n -> { }, ClientSecurity.NONE, log);
    }

    /**
     * As {@link #run(List, String, String, String, Settings, PrintStream)}, telling {@code onAnswered} the number of
     * answered requests after each new answer (on a client thread: it must return quickly).
     */
    public static TrafficResult run(List<TrafficItem> plan, String bootstrap, String grpcTarget, String model,
                                    Settings s, java.util.function.IntConsumer onAnswered, PrintStream log) {
        return run(plan, bootstrap, grpcTarget, model, s, ArrivalSchedule.CLOSED_LOOP, onAnswered, ClientSecurity.NONE,
                log);
    }

    private static TrafficResult run(List<TrafficItem> plan, String bootstrap, String grpcTarget, String model,
                                     Settings s, ArrivalSchedule arrivals, java.util.function.IntConsumer onAnswered,
                                     ClientSecurity security,
                                     PrintStream log) {
        Map<String, TrafficItem> byId = new ConcurrentHashMap<>();
        for (TrafficItem i : plan) {
            if (byId.put(i.id(), i) != null) {
                throw new IllegalArgumentException("request id '" + i.id() + "' appears twice in the plan");
            }
        }
        Map<String, Answer> answers = new ConcurrentHashMap<>();
        Map<String, Integer> resultCopies = new ConcurrentHashMap<>();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> handed = new ConcurrentHashMap<>();
        Map<String, String> grpcErrors = new ConcurrentHashMap<>();
        List<DlqRecord> dlq = Collections.synchronizedList(new ArrayList<>());
        Map<Channel, Semaphore> slots = new EnumMap<>(Channel.class);
        for (Channel c : Channel.values()) {
            slots.put(c, new Semaphore(s.inFlight()));
        }
        Map<String, Boolean> released = new ConcurrentHashMap<>();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicInteger settled = new AtomicInteger(); // answered, dead-lettered or failed (gRPC)
        ProgressBar bar = s.progress() ? Progress.bar("requests", plan.size(), "") : null;

        // frees the item's slot once (its answer, dead letter or gRPC error, whichever comes first)
        java.util.function.Consumer<String> release = id -> {
            TrafficItem item = byId.get(id);
            if (item != null && released.putIfAbsent(id, true) == null) {
                slots.get(item.channel()).release();
            }
        };
        java.util.function.Consumer<Answer> onAnswer = a -> {
            if (!byId.containsKey(a.id())) {
                return; // traffic of someone else on the same topics
            }
            if (answers.putIfAbsent(a.id(), a) == null) {
                settled.incrementAndGet();
                onAnswered.accept(answers.size());
                lastProgress.set(System.nanoTime());
                if (bar != null) {
                    bar.step();
                }
            }
            release.accept(a.id());
        };

        long start;
        long end;
        try (KafkaClient kafka = new KafkaClient(bootstrap, KafkaClient.DEFAULT_TOPICS, security.kafka());
             GrpcClient grpc = new GrpcClient(grpcTarget, security.grpc())) {
            kafka.listen(a -> {
                if (byId.containsKey(a.id())) {
                    resultCopies.merge(a.id(), 1, Integer::sum);
                }
                onAnswer.accept(a);
            }, d -> {
                if (byId.containsKey(d.key())) {
                    dlq.add(d);
                    if (!answers.containsKey(d.key())) {
                        settled.incrementAndGet();
                    }
                    lastProgress.set(System.nanoTime());
                    release.accept(d.key());
                }
            });
            start = System.nanoTime();
            for (int k = 0; k < plan.size(); k++) {
                TrafficItem item = plan.get(k);
                long due = start + arrivals.offsetNanos(k);
                sleepUntil(due);
                if (!acquire(slots.get(item.channel()), lastProgress, s.stallTimeout())) {
                    log.println("traffic: no progress for " + s.stallTimeout().toSeconds() + " s; stopped sending at "
                            + sent.size() + " of " + plan.size() + " requests");
                    break;
                }
                sent.put(item.id(), arrivals.isOpen() ? due : System.nanoTime());
                if (item.channel() == Channel.KAFKA) {
                    kafka.send(item.id(), OipMessages.request(item, model, s.kafkaEncoding()),
                            s.kafkaEncoding().contentType(), Map.of());
                } else {
                    grpc.infer(OipMessages.proto(item, model), s.grpcDeadlineMs(),
                            r -> onAnswer.accept(OipMessages.fromProto(r, System.nanoTime())),
                            t -> {
                                // a failed call is settled too: waiting for it would idle the stack until the stall
                                // timeout (an overloaded open-loop point's rejected calls did, 1 Dec 2026)
                                if (grpcErrors.put(item.id(), String.valueOf(t.getMessage())) == null) {
                                    settled.incrementAndGet();
                                }
                                lastProgress.set(System.nanoTime());
                                release.accept(item.id());
                            });
                }
                handed.put(item.id(), System.nanoTime());
            }
            kafka.flush();
            while (settled.get() < sent.size()
                    && System.nanoTime() - lastProgress.get() < s.stallTimeout().toNanos()) {
                sleep(20);
            }
            end = answers.values().stream().mapToLong(Answer::receivedNanos).max().orElse(System.nanoTime());
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        int duplicates = resultCopies.values().stream().mapToInt(c -> Math.max(0, c - 1)).sum();
        return new TrafficResult(List.copyOf(plan), Map.copyOf(answers), duplicates, List.copyOf(dlq),
                Map.copyOf(grpcErrors), Map.copyOf(sent), Map.copyOf(handed), start, end);
    }

    private static boolean acquire(Semaphore slot, AtomicLong lastProgress, Duration stall) {
        try {
            while (!slot.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - lastProgress.get() > stall.toNanos()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepUntil(long nanos) {
        for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for answers", e);
        }
    }
}
