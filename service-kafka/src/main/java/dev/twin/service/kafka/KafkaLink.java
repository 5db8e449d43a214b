package dev.twin.service.kafka;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether the Kafka broker answers, asked every {@link #PERIOD} with a describeCluster bounded by {@link #TIMEOUT}
 * (the producers alone would only tell after their delivery timeout, minutes later), down after {@link #DOWN_AFTER}
 * failed probes in a row. Readiness reports it ({@link KafkaLinkHealth}; Quarkus' own Kafka check waited without
 * bound and made the probe hang while the broker was down). The router also refuses synchronous calls with
 * UNAVAILABLE while the link is down, and answers a call whose wait overlapped an outage with UNAVAILABLE instead of
 * a timeout ({@link #downSince}). Uses the service's {@code kafka.*} client settings (bootstrap, security).
 */
@ApplicationScoped
public class KafkaLink {
    static final Duration PERIOD = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final int DOWN_AFTER = 2;
    private static final Logger LOG = Logger.getLogger(KafkaLink.class);

    private final Map<String, Object> kafkaConfig;
    private final String clientId;
    private ScheduledExecutorService timer;
    private Admin admin;
    private volatile boolean up = true; // optimistic until the first probe: the channels report their own start
    private volatile long downSinceNanos = -1;
    private volatile long lastDownNanos = -1; // last probe that found the broker down
    private volatile String lastError = "";
    private int failures; // consecutive failed probes (probe thread only)

    public KafkaLink(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                     @ConfigProperty(name = "quarkus.application.name") String application) {
        this.kafkaConfig = kafkaConfig;
        this.clientId = application + "-kafka-link";
    }

    void onStart(@Observes StartupEvent event) {
        Properties p = new Properties();
        Map<String, Object> known = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                known.put(k, v);
            }
        });
        p.putAll(known);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        admin = Admin.create(p);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twin-kafka-link");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::probe, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (!up) {
                LOG.infof("Kafka broker answers again after %.1f s", (System.nanoTime() - downSinceNanos) / 1e9);
            }
            failures = 0;
            up = true;
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            // one slow answer (a loaded machine, a JVM starting) is not an outage: two in a row are
            if (++failures >= DOWN_AFTER) {
                lastDownNanos = System.nanoTime();
                if (up) {
                    downSinceNanos = lastDownNanos;
                    LOG.warnf("Kafka broker does not answer (%s): readiness DOWN until it does", lastError);
                }
                up = false;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True unless the last probe found the broker unreachable. */
    public boolean up() {
        return up;
    }

    /** True when the broker was found down at any time since {@code nanos} (System.nanoTime()), or is down now. */
    public boolean downSince(long nanos) {
        return !up || (lastDownNanos > 0 && lastDownNanos - nanos >= 0);
    }

    /** Why the link is down and for how long, for health and error messages. */
    public String status() {
        if (up && lastDownNanos < 0) {
            return "Kafka broker answers";
        }
        if (up) {
            return "Kafka broker answers (it did not " + (System.nanoTime() - lastDownNanos) / 1_000_000_000
                    + " s ago)";
        }
        return "Kafka broker unreachable for " + (System.nanoTime() - downSinceNanos) / 1_000_000_000 + " s ("
                + lastError + ")";
    }
}
