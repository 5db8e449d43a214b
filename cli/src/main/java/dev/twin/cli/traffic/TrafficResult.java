package dev.twin.cli.traffic;

import java.util.List;
import java.util.Map;

/**
 * What a traffic run saw: the plan, the first answer per request id, how many extra copies of results arrived
 * (at-least-once delivery: consumers de-duplicate by id), dead letters, gRPC errors by id, send times (the due time
 * in an open loop), when each send call returned (handed to the Kafka or gRPC client), and the span from the first
 * send to the last answer.
 */
public record TrafficResult(List<TrafficItem> items, Map<String, Answer> answers, int duplicates,
                            List<DlqRecord> deadLetters, Map<String, String> grpcErrors, Map<String, Long> sentNanos,
                            Map<String, Long> handedNanos, long startNanos, long endNanos) {

    public List<TrafficItem> unanswered() {
        return items.stream().filter(i -> !answers.containsKey(i.id())).toList();
    }

    public double seconds() {
        return Math.max(1e-9, (endNanos - startNanos) / 1e9);
    }

    /** Answers per second over the run. */
    public double throughput() {
        return answers.size() / seconds();
    }

    /** Latency of each answered request in milliseconds, in plan order. */
    public double[] latenciesMs() {
        return items.stream().filter(i -> answers.containsKey(i.id()))
                .mapToDouble(i -> (answers.get(i.id()).receivedNanos() - sentNanos.get(i.id())) / 1e6).toArray();
    }
}
