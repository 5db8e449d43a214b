package dev.twin.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The merger's cache counters, read from its readiness check (the {@code merger-bundle} check's data). */
public record MergerStats(long hits, long misses) {

    public double hitRate() {
        return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    public MergerStats minus(MergerStats before) {
        return new MergerStats(hits - before.hits, misses - before.misses);
    }

    /** Reads the counters of the merger serving HTTP on {@code port} of loopback. */
    public static MergerStats read(int port) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : new ObjectMapper().readTree(r.body()).path("checks")) {
                JsonNode data = check.path("data");
                if (data.has("cache-hits")) {
                    return new MergerStats(data.get("cache-hits").asLong(), data.get("cache-misses").asLong());
                }
            }
            throw new IllegalStateException("merger health at " + uri + " has no cache counters: " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read merger stats at " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
    }
}
