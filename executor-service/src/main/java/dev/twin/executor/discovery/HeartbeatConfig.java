package dev.twin.executor.discovery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Heartbeats on the compacted executors topic ({@code twin.executor.heartbeat.*}, env TWIN_EXECUTOR_HEARTBEAT_*): how
 * mergers that discover executors through Kafka learn this one. Off by default (Kubernetes uses the headless
 * Service's DNS instead; {@code twin up} turns it on).
 */
@ConfigMapping(prefix = "twin.executor.heartbeat")
public interface HeartbeatConfig {

    /** Publish heartbeats (and a tombstone on shutdown). */
    @WithDefault("false")
    boolean enabled();

    /** The compacted topic of executor heartbeats (key = address, value = bundle version, null = left). */
    @WithDefault("twin.executors")
    String topic();

    /** Period between heartbeats; mergers expire an executor after their own, longer bound. */
    @WithDefault("1000")
    int intervalMs();

    /** The gRPC address mergers should call, host:port. Unset: this host's address and quarkus.http.port. */
    Optional<String> address();
}
