package dev.twin.merger.metrics;

import dev.twin.merger.cache.CacheStats;
import dev.twin.merger.cache.MergedCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.ToDoubleFunction;

/** The merged-set cache's counters and occupancy as meters, read from the cache's own stats at each scrape. */
@Startup
@ApplicationScoped
public class CacheMeters {
    public CacheMeters(MeterRegistry registry, MergedCache cache) {
        counter(registry, cache, "twin.merger.cache.hits", "merged-set lookups served from the cache",
                CacheStats::hits);
        counter(registry, cache, "twin.merger.cache.misses", "merged-set lookups that materialized a set",
                CacheStats::misses);
        counter(registry, cache, "twin.merger.cache.evictions", "merged sets evicted to stay under the budget",
                CacheStats::evictions);
        gauge(registry, cache, "twin.merger.cache.bytes", "bytes of the cached merged sets", CacheStats::bytes);
        gauge(registry, cache, "twin.merger.cache.budget.bytes", "the cache's byte budget", CacheStats::budget);
        gauge(registry, cache, "twin.merger.cache.entries", "merged sets cached", CacheStats::entries);
    }

    private static void counter(MeterRegistry registry, MergedCache cache, String name, String description,
                                ToDoubleFunction<CacheStats> f) {
        FunctionCounter.builder(name, cache, c -> f.applyAsDouble(c.stats())).description(description)
                .register(registry);
    }

    private static void gauge(MeterRegistry registry, MergedCache cache, String name, String description,
                              ToDoubleFunction<CacheStats> f) {
        Gauge.builder(name, cache, c -> f.applyAsDouble(c.stats())).description(description).register(registry);
    }
}
