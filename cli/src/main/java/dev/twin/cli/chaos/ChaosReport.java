package dev.twin.cli.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.cli.traffic.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a chaos run saw. Kafka requests: sent, answered, lost (neither answered nor dead-lettered after the drain),
 * not delivered by the client; requests dead-lettered (any channel, even when a re-processed copy was answered);
 * result copies beyond the first (duplicates, keyed by request id); gRPC calls by outcome. Per fault: seconds from the kill until the part was ready again, until a Kafka request sent
 * after the kill was answered, until a gRPC call made after the restart was answered, until every service reported
 * ready and live, and until every Kafka request of the fault's window was answered; the gRPC errors, duplicates and
 * health reasons of its window. A fault's window runs from {@link #LOOKBACK_SECONDS} before its kill (requests in
 * flight at the kill belong to it) to the same point before the next fault's kill (or the end of sending).
 */
public record ChaosReport(ChaosRun.Settings settings, Totals totals, List<FaultOutcome> faults, double seconds,
                          String date) {
    static final double LOOKBACK_SECONDS = 10;
    /** The gRPC outcomes a caller may see under faults: an answer, or a clear "unavailable, retry". */
    static final Set<String> ACCEPTED_GRPC = Set.of("OK", "UNAVAILABLE");

    /** {@code kafkaDeadLettered}: requests of either channel with a dead letter (good traffic should have none). */
    public record Totals(int kafkaSent, int kafkaAnswered, int kafkaLost, int kafkaDeadLettered,
                         int kafkaNotDelivered, int duplicates, int grpcSent, int grpcOk,
                         Map<String, Integer> grpcErrors, int grpcWithoutOutcome, List<String> lostIds,
                         List<String> deadLetters, List<String> grpcErrorSamples) {
    }

    public record FaultOutcome(String fault, int downSeconds, double readyS, double kafkaRecoveryS,
                               double grpcRecoveryS, double healthyS, double allAnsweredS, int kafkaInWindow,
                               int grpcInWindow, Map<String, Integer> grpcErrors, int duplicates,
                               Map<String, String> healthDuringFault) {
        /** Seconds until both channels answered new requests again; -1 when one never did. */
        public double recoveryS() {
            return kafkaRecoveryS < 0 || grpcRecoveryS < 0 ? -1 : Math.max(kafkaRecoveryS, grpcRecoveryS);
        }
    }

    static ChaosReport of(ChaosRun.Settings s, List<ChaosTraffic.Request> sent, List<HealthWatch.Sample> health,
                          List<ChaosRun.FaultTimes> times, long startNanos, long sentAllNanos, long endNanos) {
        int kafkaSent = 0;
        int answered = 0;
        int dlq = 0;
        int notDelivered = 0;
        int duplicates = 0;
        int grpcSent = 0;
        int grpcOk = 0;
        int grpcNone = 0;
        Map<String, Integer> grpcErrors = new TreeMap<>();
        List<String> lost = new ArrayList<>();
        List<String> deadLetters = new ArrayList<>();
        List<String> errorSamples = new ArrayList<>();
        for (ChaosTraffic.Request r : sent) {
            duplicates += Math.max(0, r.resultCopies.get() - 1);
            if (r.deadLetter != null) { // good traffic: a dead letter breaks the guarantee even if a copy was answered
                dlq++;
                if (deadLetters.size() < 10) {
                    deadLetters.add(r.id + ": " + r.deadLetter);
                }
            }
            if (r.channel == Channel.KAFKA) {
                kafkaSent++;
                if (r.answeredNanos > 0) {
                    answered++;
                } else if (r.deadLetter != null) {
                    continue; // counted above
                } else if (r.sendError != null) {
                    notDelivered++;
                } else {
                    lost.add(r.id);
                }
            } else {
                grpcSent++;
                String code = r.grpcCode;
                if (code == null) {
                    grpcNone++;
                } else if (code.equals("OK")) {
                    grpcOk++;
                } else {
                    grpcErrors.merge(code, 1, Integer::sum);
                    if (!ACCEPTED_GRPC.contains(code) && errorSamples.size() < 10) {
                        errorSamples.add(r.id + ": " + code + " " + r.grpcError);
                    }
                }
            }
        }
        Totals totals = new Totals(kafkaSent, answered, lost.size(), dlq, notDelivered, duplicates, grpcSent, grpcOk,
                grpcErrors, grpcNone, lost.size() > 20 ? lost.subList(0, 20) : lost, deadLetters, errorSamples);

        long lookback = (long) (LOOKBACK_SECONDS * 1e9);
        List<FaultOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            ChaosRun.FaultTimes t = times.get(i);
            long from = t.killNanos() - lookback;
            long to = i + 1 < times.size() ? times.get(i + 1).killNanos() - lookback : sentAllNanos;
            int kafkaIn = 0;
            int grpcIn = 0;
            int dup = 0;
            long lastAnswer = t.killNanos();
            boolean allAnswered = true;
            Map<String, Integer> errors = new TreeMap<>();
            for (ChaosTraffic.Request r : sent) {
                if (r.sentNanos < from || r.sentNanos >= to) {
                    continue;
                }
                dup += Math.max(0, r.resultCopies.get() - 1);
                if (r.channel == Channel.KAFKA) {
                    kafkaIn++;
                    if (r.answeredNanos > 0) {
                        lastAnswer = Math.max(lastAnswer, r.answeredNanos);
                    } else {
                        allAnswered = false;
                    }
                } else {
                    grpcIn++;
                    if (r.grpcCode != null && !r.grpcCode.equals("OK")) {
                        errors.merge(r.grpcCode, 1, Integer::sum);
                    }
                }
            }
            long healthTo = t.healthUpNanos() > 0 ? t.healthUpNanos() : to;
            // per service, every check that was DOWN during the fault, with the data it first said
            Map<String, Map<String, String>> byCheck = new TreeMap<>();
            for (HealthWatch.Sample h : health) {
                if (h.nanos() >= t.killNanos() && h.nanos() <= healthTo && !(h.ready() && h.live())) {
                    Map<String, String> checks = byCheck.computeIfAbsent(h.service(), k -> new LinkedHashMap<>());
                    h.down().forEach(d -> checks.putIfAbsent(d.split(":", 2)[0], d));
                }
            }
            Map<String, String> healthReasons = new LinkedHashMap<>();
            byCheck.forEach((service, checks) -> healthReasons.put(service, String.join("; ", checks.values())));
            outcomes.add(new FaultOutcome(t.fault().label(), t.fault().downSeconds(), sec(t.readyNanos(), t),
                    sec(t.kafkaBackNanos(), t), sec(t.grpcBackNanos(), t), sec(t.healthUpNanos(), t),
                    allAnswered ? (lastAnswer - t.killNanos()) / 1e9 : -1, kafkaIn, grpcIn, errors, dup,
                    healthReasons));
        }
        return new ChaosReport(s, totals, outcomes, (endNanos - startNanos) / 1e9, Instant.now().toString());
    }

    private static double sec(long at, ChaosRun.FaultTimes t) {
        return at < 0 ? -1 : (at - t.killNanos()) / 1e9;
    }

    /**
     * What breaks the guarantees: a Kafka request lost, dead-lettered or not delivered, a gRPC error other than
     * UNAVAILABLE, a call without an outcome, a fault the stack did not recover from. Empty when all held.
     */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (totals.kafkaLost() > 0) {
            p.add(totals.kafkaLost() + " Kafka requests lost (never answered), e.g. " + totals.lostIds());
        }
        if (totals.kafkaDeadLettered() > 0) {
            p.add(totals.kafkaDeadLettered() + " good requests dead-lettered, e.g. " + totals.deadLetters());
        }
        if (totals.kafkaNotDelivered() > 0) {
            p.add(totals.kafkaNotDelivered() + " Kafka requests not delivered by the client producer");
        }
        totals.grpcErrors().forEach((code, n) -> {
            if (!ACCEPTED_GRPC.contains(code)) {
                p.add(n + " gRPC calls failed with " + code + " (only UNAVAILABLE is a clear refusal), e.g. "
                        + totals.grpcErrorSamples());
            }
        });
        if (totals.grpcWithoutOutcome() > 0) {
            p.add(totals.grpcWithoutOutcome() + " gRPC calls without an outcome");
        }
        for (FaultOutcome f : faults) {
            if (f.recoveryS() < 0 || f.healthyS() < 0) {
                p.add(f.fault() + ": not recovered within " + settings.recoveryTimeout().toSeconds() + " s (Kafka "
                        + f.kafkaRecoveryS() + " s, gRPC " + f.grpcRecoveryS() + " s, healthy " + f.healthyS()
                        + " s)");
            }
        }
        return p;
    }

    /** The run as markdown: a summary line and a table with a row per fault. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("chaos run: %.0f s, %.0f requests/s; Kafka: %d sent, %d answered, **%d lost**, %d "
                        + "dead-lettered, %d duplicate results; gRPC: %d calls, %d answered, errors %s%n%n",
                seconds, settings.ratePerSecond(), totals.kafkaSent(), totals.kafkaAnswered(), totals.kafkaLost(),
                totals.kafkaDeadLettered(), totals.duplicates(), totals.grpcSent(), totals.grpcOk(),
                totals.grpcErrors()));
        b.append("| fault | ready again (s) | Kafka answers (s) | gRPC answers (s) | healthy (s) | window answered (s) "
                + "| gRPC errors | duplicates | health during the fault |\n");
        b.append("|---|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (FaultOutcome f : faults) {
            b.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %d | %s |%n", f.fault(), fmt(f.readyS()),
                    fmt(f.kafkaRecoveryS()), fmt(f.grpcRecoveryS()), fmt(f.healthyS()), fmt(f.allAnsweredS()),
                    f.grpcErrors().isEmpty() ? "–" : f.grpcErrors().toString(), f.duplicates(),
                    f.healthDuringFault().isEmpty() ? "–" : String.join("; ", f.healthDuringFault().entrySet()
                            .stream().map(e -> e.getKey() + ": " + e.getValue().replace('|', '/')).toList())));
        }
        b.append("\nSeconds count from the kill (SIGKILL); 'ready again' includes the time the part was left down. ")
                .append("Kafka answers: first answer to a Kafka request sent after the kill; gRPC answers: first OK ")
                .append("to ")
                .append("a call made after the restart; window answered: every Kafka request of the fault's window ")
                .append("answered.\n");
        return b.toString();
    }

    private static String fmt(double s) {
        return s < 0 ? "never" : String.format("%.1f", s);
    }

    /** The run as JSON. */
    public ObjectNode json(ObjectMapper m) {
        ObjectNode root = m.createObjectNode();
        root.put("date", date);
        root.put("seconds", seconds);
        root.put("rate_per_s", settings.ratePerSecond());
        ObjectNode k = root.putObject("kafka");
        k.put("sent", totals.kafkaSent());
        k.put("answered", totals.kafkaAnswered());
        k.put("lost", totals.kafkaLost());
        k.put("dead_lettered", totals.kafkaDeadLettered());
        k.put("not_delivered_by_client", totals.kafkaNotDelivered());
        root.put("duplicates", totals.duplicates());
        ObjectNode g = root.putObject("grpc");
        g.put("calls", totals.grpcSent());
        g.put("ok", totals.grpcOk());
        g.set("errors", m.valueToTree(totals.grpcErrors()));
        g.put("without_outcome", totals.grpcWithoutOutcome());
        var arr = root.putArray("faults");
        for (FaultOutcome f : faults) {
            ObjectNode n = arr.addObject();
            n.put("fault", f.fault());
            n.put("down_s", f.downSeconds());
            n.put("ready_s", f.readyS());
            n.put("kafka_recovery_s", f.kafkaRecoveryS());
            n.put("grpc_recovery_s", f.grpcRecoveryS());
            n.put("recovery_s", f.recoveryS());
            n.put("healthy_s", f.healthyS());
            n.put("window_answered_s", f.allAnsweredS());
            n.put("kafka_requests", f.kafkaInWindow());
            n.put("grpc_calls", f.grpcInWindow());
            n.set("grpc_errors", m.valueToTree(f.grpcErrors()));
            n.put("duplicates", f.duplicates());
            n.set("health_during_fault", m.valueToTree(f.healthDuringFault()));
        }
        root.set("problems", m.valueToTree(problems()));
        return root;
    }
}
