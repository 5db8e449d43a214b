package dev.twin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.MergerStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * What the scale-out test watches from outside: each merger's readiness data (its executor ring and the calls each
 * executor answered, its cache counters) and the consumer group of the mergers as the broker describes it.
 */
final class ScaleProbe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Admin admin;

    ScaleProbe(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(p);
    }

    /** The "merger-executors" check's data of the merger on {@code port}. */
    JsonNode executors(int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : JSON.readTree(r.body()).path("checks")) {
                if (check.path("name").asText().equals("merger-executors")) {
                    return check.path("data");
                }
            }
            throw new IllegalStateException("merger on " + port + " reports no merger-executors check: " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("merger on " + port + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The merger's ring now. */
    List<String> ring(int port) {
        String s = executors(port).path("executors").asText("");
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
    }

    /** Calls {@code executor} has answered for the merger on {@code port}. */
    long answeredBy(int port, String executor) {
        for (String e : executors(port).path("answered-calls").asText("").split(",")) {
            int eq = e.lastIndexOf('=');
            if (eq > 0 && e.substring(0, eq).equals(executor)) {
                return Long.parseLong(e.substring(eq + 1));
            }
        }
        return 0;
    }

    /** Cache hits and misses summed over the recorded mergers, by merger name. */
    static Map<String, MergerStats> caches(List<StackRecord.Service> mergers) {
        Map<String, MergerStats> out = new LinkedHashMap<>();
        for (StackRecord.Service m : mergers) {
            out.put(m.name(), MergerStats.read(m.port()));
        }
        return out;
    }

    /** A consumer group (the mergers', the routers'): stable with {@code members} members, each owning a partition. */
    boolean groupStable(String group, int members) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            return d.groupState() == GroupState.STABLE && d.members().size() == members
                    && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    /** Milliseconds from {@code t0Nanos} until {@code done} holds (polled every 50 ms), or fails after the bound. */
    static long millisUntil(long t0Nanos, Duration bound, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + bound.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        return (System.nanoTime() - t0Nanos) / 1_000_000;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
