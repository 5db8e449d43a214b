package dev.twin.merger.discovery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the merger learns its executors ({@code twin.merger.discovery.*}, env TWIN_MERGER_DISCOVERY_*). */
@ConfigMapping(prefix = "twin.merger.discovery")
public interface DiscoveryConfig {

    /**
     * static: the list twin.merger.executors; kafka: heartbeats on twin.merger.topics.executors (twin up);
     * dns: the A records of dns-name, re-resolved every interval (Kubernetes headless Service).
     */
    @WithDefault("static")
    Mode mode();

    /** How often the set is re-checked: DNS re-resolved, stale heartbeats expired. */
    @WithDefault("1000")
    int intervalMs();

    /** kafka: an executor whose last heartbeat is older than this is dropped (it died without a tombstone). */
    @WithDefault("5000")
    int expireAfterMs();

    /** kafka: only executors announcing the merger's own bundle version join the ring (a rolling bundle update). */
    @WithDefault("true")
    boolean sameBundleOnly();

    /** dns: the headless Service whose A records are the executors (one per ready pod). */
    @WithDefault("twin-executor")
    String dnsName();

    /** dns: the executors' gRPC port. */
    @WithDefault("9100")
    int dnsPort();

    enum Mode {
        STATIC, KAFKA, DNS
    }
}
