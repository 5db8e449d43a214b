package dev.twin.merger.discovery;

import dev.twin.core.bundle.BundleVersion;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.executor.ExecutorPool;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps the executor pool's membership current by the configured mode: a static list, heartbeats on the compacted
 * executors topic, or the A records of the executors' headless Service. Membership changes only move the cluster
 * keys of the executors that joined or left (consistent hashing).
 */
@ApplicationScoped
public class Discovery {
    private static final Logger LOG = Logger.getLogger(Discovery.class);

    private final DiscoveryConfig config;
    private final MergerConfig merger;
    private final ExecutorPool pool;
    private final Map<String, Object> kafka;
    private volatile String status = "not started";
    private volatile Map<String, String> otherVersions = Map.of();
    private KafkaHeartbeats heartbeats;
    private ScheduledExecutorService timer;

    public Discovery(DiscoveryConfig config, MergerConfig merger, ExecutorPool pool,
                     @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.merger = merger;
        this.pool = pool;
        this.kafka = kafka;
    }

    // right after the bundle (priority 1), before the consumer polls
    void onStart(@Observes @Priority(2) StartupEvent event) {
        if (config.intervalMs() < 1) {
            throw new IllegalArgumentException("twin.merger.discovery.interval-ms must be >= 1, got "
                    + config.intervalMs());
        }
        switch (config.mode()) {
            case STATIC -> {
                List<String> list = merger.executors().orElse(List.of());
                if (list.isEmpty()) {
                    throw new IllegalArgumentException("twin.merger.discovery.mode is static but twin.merger.executors "
                            + "is empty: list the executors (host:port,...) or choose mode kafka or dns");
                }
                pool.update(list);
                status = "static list";
            }
            case KAFKA -> {
                String version = ownVersion();
                Membership m = new Membership(config.expireAfterMs(), version);
                heartbeats = new KafkaHeartbeats(kafka, merger.topics().executors(), m, pool,
                        Duration.ofMillis(config.intervalMs()), System::currentTimeMillis,
                        changed -> otherVersions = changed.otherVersions());
                heartbeats.start();
                status = "heartbeats on " + merger.topics().executors() + " (expire after " + config.expireAfterMs()
                        + " ms" + (version != null ? ", bundle version " + version : "") + ")";
            }
            case DNS -> {
                DnsMembers dns = new DnsMembers(config.dnsName(), config.dnsPort(), InetAddress::getAllByName);
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "twin-discovery-dns");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleWithFixedDelay(() -> dns.resolve().ifPresentOrElse(pool::update,
                        () -> LOG.warnf("resolving %s failed: keeping %s", dns.describe(), pool.members())),
                        0, config.intervalMs(), TimeUnit.MILLISECONDS);
                status = "DNS A records of " + dns.describe() + " every " + config.intervalMs() + " ms";
            }
        }
        LOG.infof("executor discovery: %s", status);
    }

    private String ownVersion() {
        if (!config.sameBundleOnly()) {
            return null;
        }
        try {
            return BundleVersion.of(merger.bundle());
        } catch (RuntimeException e) {
            LOG.warnf("bundle version unknown (%s): executors of any version join", e.getMessage());
            return null;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** How the set is learned. */
    public String status() {
        return status;
    }

    /** kafka mode: executors heard from that serve another bundle version (not on the ring). */
    public Map<String, String> otherVersions() {
        return otherVersions;
    }
}
