package dev.twin.router.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.dashboard.PromText.Sample;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Samples the stack's metrics for the dashboard: this router's registry and the configured endpoints of the other
 * services, one snapshot per interval, each turned into a frame (rates and quantiles over the interval) that is kept
 * in a bounded history and pushed to every open page. Sampling starts when the dashboard is first used, so a stack
 * nobody watches pays nothing; a source that does not answer is reported in the frame and skipped.
 */
@ApplicationScoped
public class DashboardFeed {
    private static final Logger LOG = Logger.getLogger(DashboardFeed.class);
    public static final String SELF = "router";

    private final PrometheusMeterRegistry registry;
    private final ObjectMapper json;
    private final List<ScrapeTarget> targets;
    private final long intervalMs;
    private final int historySize;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final BroadcastProcessor<String> live = BroadcastProcessor.create();
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private ScheduledExecutorService sampler;
    private Snapshot previous;

    public DashboardFeed(PrometheusMeterRegistry registry, ObjectMapper json, RouterConfig config) {
        this.registry = registry;
        this.json = json;
        this.targets = ScrapeTarget.parseAll(config.dashboard().scrape().orElse(List.of()));
        this.intervalMs = config.dashboard().intervalMs();
        this.historySize = config.dashboard().history();
        if (intervalMs < 100 || historySize < 1) {
            throw new IllegalArgumentException("twin.router.dashboard.interval-ms must be at least 100 and history at "
                    + "least 1, got " + intervalMs + " and " + historySize);
        }
    }

    /** Frames as JSON from now on (each page also asks for {@link #history()} first). */
    public Multi<String> live() {
        start();
        return live;
    }

    /** The frames kept so far, oldest first, as one JSON array. */
    public String history() {
        start();
        synchronized (history) {
            return "[" + String.join(",", history) + "]";
        }
    }

    public List<String> sources() {
        List<String> names = new ArrayList<>();
        names.add(SELF);
        targets.forEach(t -> names.add(t.name()));
        return names;
    }

    private synchronized void start() {
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twin-dashboard");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, intervalMs, TimeUnit.MILLISECONDS);
        LOG.infof("dashboard sampling every %d ms: %s", intervalMs, sources());
    }

    private void sample() {
        try {
            Map<String, String> status = new LinkedHashMap<>();
            Snapshot now = snapshot(status);
            Snapshot before = previous;
            previous = now;
            if (before == null) {
                return;
            }
            String frame = json.writeValueAsString(FrameBuilder.frame(before, now, status));
            synchronized (history) {
                history.addLast(frame);
                while (history.size() > historySize) {
                    history.removeFirst();
                }
            }
            live.onNext(frame);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("dashboard sample failed", e); // the next sample tries again; the sampler must not die
        }
    }

    private Snapshot snapshot(Map<String, String> status) {
        Map<String, List<Sample>> sources = new LinkedHashMap<>();
        long t = System.currentTimeMillis();
        sources.put(SELF, PromText.parse(registry.scrape()));
        status.put(SELF, "ok");
        for (ScrapeTarget target : targets) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(target.url())
                        .timeout(Duration.ofMillis(Math.max(500, intervalMs))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    status.put(target.name(), "HTTP " + r.statusCode() + " from " + target.url());
                    continue;
                }
                sources.put(target.name(), PromText.parse(r.body()));
                status.put(target.name(), "ok");
            } catch (java.io.IOException | RuntimeException e) {
                status.put(target.name(), "no answer from " + target.url() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Snapshot(t, sources);
            }
        }
        return new Snapshot(t, sources);
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (sampler != null) {
                sampler.shutdownNow();
            }
        }
        live.onComplete();
    }
}
