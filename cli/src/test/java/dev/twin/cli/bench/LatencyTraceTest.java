package dev.twin.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.twin.cli.traffic.Answer;
import dev.twin.cli.traffic.Channel;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyTraceTest {

    @Test
    void oneLinePerSentRequestWithDueTimeLatencyAndChannel() {
        long start = 1_000_000_000L;
        List<TrafficItem> items = List.of(new TrafficItem("a", "t", 0, new float[1], Channel.KAFKA),
                new TrafficItem("b", "t", 0, new float[1], Channel.GRPC),
                new TrafficItem("c", "t", 0, new float[1], Channel.KAFKA));
        // a due at +0 ms, answered 12.5 ms later; b due at +4 ms, unanswered; c never sent
        Map<String, Long> sent = Map.of("a", start, "b", start + 4_000_000L);
        Map<String, Answer> answers = Map.of("a", new Answer("a", 3, "t", "exact", start + 12_500_000L));
        // a's send call returned 0.25 ms after it was due, b's 7 ms after (the client fell behind)
        Map<String, Long> handed = Map.of("a", start + 250_000L, "b", start + 11_000_000L);
        TrafficResult r = new TrafficResult(items, answers, 0, List.of(), Map.of(), sent, handed, start,
                start + 20_000_000L);
        assertEquals(List.of("due_ms,latency_ms,send_lag_ms,channel", "0.000,12.500,0.250,kafka", "4.000,,7.000,grpc"),
                LatencyTrace.lines(r));
    }
}
