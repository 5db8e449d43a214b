package dev.twin.cli.bench;

import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every request of a run as one CSV line, in plan order: when it was due (ms from the run's start), its latency (ms,
 * empty when unanswered), how long after its due time the client's send call returned (a client falling behind
 * shows here, not in the services) and its channel. A tail percentile says how bad; this says when, and so whether the slow
 * requests are spread out or one stall.
 */
final class LatencyTrace {
    static final String HEADER = "due_ms,latency_ms,send_lag_ms,channel";

    private LatencyTrace() {
    }

    static List<String> lines(TrafficResult r) {
        List<String> out = new ArrayList<>(r.items().size() + 1);
        out.add(HEADER);
        for (TrafficItem i : r.items()) {
            Long sent = r.sentNanos().get(i.id());
            if (sent == null) {
                continue; // never sent (the run ended first)
            }
            var answer = r.answers().get(i.id());
            String latency = answer == null ? "" : String.format(Locale.ROOT, "%.3f",
                    (answer.receivedNanos() - sent) / 1e6);
            Long handed = r.handedNanos().get(i.id());
            String lag = handed == null ? "" : String.format(Locale.ROOT, "%.3f", (handed - sent) / 1e6);
            out.add(String.format(Locale.ROOT, "%.3f,%s,%s,%s", (sent - r.startNanos()) / 1e6, latency, lag,
                    i.channel().name().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    static void write(Path file, TrafficResult r) {
        try {
            Files.write(file, lines(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
