package dev.twin.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Polls every service's readiness and liveness ({@code /q/health/ready}, {@code /q/health/live}) twice a second
 * during a chaos run and keeps each sample: whether it was UP and, when not, the names and data of the checks that
 * were DOWN (or "unreachable" when the process did not answer).
 */
final class HealthWatch implements AutoCloseable {
    private static final long PERIOD_MS = 500;
    private static final int REASON_CHARS = 400;

    /** One poll of one service; {@code down}: "check: data" of each check that was not UP (or "unreachable"). */
    record Sample(long nanos, String service, boolean ready, boolean live, List<String> down) {
    }

    private final Map<String, Integer> ports;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Sample> samples = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** {@code ports}: service name → HTTP port (a restarted service keeps its port). */
    HealthWatch(Map<String, Integer> ports) {
        this.ports = Map.copyOf(ports);
        this.thread = new Thread(this::loop, "twin-chaos-health");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            long t0 = System.nanoTime();
            ports.forEach((name, port) -> {
                Probe ready = probe(port, "ready");
                Probe live = probe(port, "live");
                List<String> down = new ArrayList<>(ready.down());
                live.down().stream().filter(d -> !down.contains(d)).forEach(d -> down.add("liveness " + d));
                synchronized (samples) {
                    samples.add(new Sample(System.nanoTime(), name, ready.up(), live.up(), List.copyOf(down)));
                }
            });
            long left = PERIOD_MS - (System.nanoTime() - t0) / 1_000_000;
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private record Probe(boolean up, List<String> down) {
    }

    private Probe probe(int port, String kind) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + kind))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return new Probe(true, List.of());
            }
            return new Probe(false, downChecks(r.body()));
        } catch (IOException e) {
            return new Probe(false, List.of("unreachable"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(false, List.of("interrupted"));
        }
    }

    /** "name: data" of each DOWN check of a SmallRye Health answer. */
    private List<String> downChecks(String body) {
        List<String> down = new ArrayList<>();
        try {
            for (JsonNode c : mapper.readTree(body).path("checks")) {
                if (!"UP".equals(c.path("status").asText())) {
                    String d = c.path("name").asText() + (c.has("data") ? ": " + c.get("data") : "");
                    down.add(d.length() > REASON_CHARS ? d.substring(0, REASON_CHARS) + "…" : d);
                }
            }
        } catch (IOException e) {
            // not a health answer: keep the body
        }
        if (down.isEmpty()) {
            down.add(body.length() > REASON_CHARS ? body.substring(0, REASON_CHARS) + "…" : body);
        }
        return down;
    }

    /** The samples taken so far, in time order. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** True when the latest sample of every service is ready and live. */
    boolean allUp() {
        List<Sample> all = samples();
        for (String name : ports.keySet()) {
            Sample last = null;
            for (int i = all.size() - 1; i >= 0 && last == null; i--) {
                if (all.get(i).service().equals(name)) {
                    last = all.get(i);
                }
            }
            if (last == null || !last.ready() || !last.live()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
