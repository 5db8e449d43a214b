package dev.twin.merger.health;

import dev.twin.merger.cache.CacheStats;
import dev.twin.merger.cache.MergedCache;
import dev.twin.merger.device.MergerDevice;
import dev.twin.merger.model.BundleHolder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the bundle is loaded; the response says what is loaded (or why not) and the cache counters. */
@Readiness
@ApplicationScoped
public class BundleReadiness implements HealthCheck {
    private final BundleHolder holder;
    private final MergedCache cache;
    private final MergerDevice device;

    public BundleReadiness(BundleHolder holder, MergedCache cache, MergerDevice device) {
        this.holder = holder;
        this.cache = cache;
        this.device = device;
    }

    @Override
    public HealthCheckResponse call() {
        CacheStats s = cache.stats();
        return HealthCheckResponse.named("merger-bundle").status(holder.ready())
                .withData("status", holder.status())
                .withData("device", device.chosen().toString())
                .withData("cache-hits", s.hits()).withData("cache-misses", s.misses())
                .withData("cache-evictions", s.evictions()).withData("cache-bytes", s.bytes())
                .build();
    }
}
