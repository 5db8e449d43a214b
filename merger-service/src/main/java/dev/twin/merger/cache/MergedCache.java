package dev.twin.merger.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.model.BundleHolder;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Merged weight sets θ(w) (heads excluded: the executor has them) by cluster key, LRU under the configured memory
 * budget. A key seen again with different merge weights is re-materialized (the old set is freed once unused).
 */
@ApplicationScoped
public class MergedCache {
    private static final Logger LOG = Logger.getLogger(MergedCache.class);

    private final BundleHolder holder;
    private final BudgetLru<MergedWeights> lru;
    // one lock object per key ever materialized: cluster keys are few and bounded by the strategy's grid
    private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();
    private final Object materializing = new Object();
    private final MergerMetrics metrics;

    public MergedCache(BundleHolder holder, MergerConfig config, MergerMetrics metrics) {
        this.holder = holder;
        this.metrics = metrics;
        this.lru = new BudgetLru<>(config.cacheBudgetBytes());
    }

    void onStop(@Observes ShutdownEvent event) {
        lru.clear();
    }

    /**
     * A looked-up set, retained for the caller (close the lookup when done with it), and whether it was materialized
     * by this call (then no executor has it yet).
     */
    public record Lookup(MergedWeights weights, boolean fresh) implements AutoCloseable {
        @Override
        public void close() {
            weights.release();
        }
    }

    /**
     * θ(w) for the cluster key, from the cache or materialized now; the caller closes the lookup. A hit takes no
     * lock; a miss locks only its own key while it materializes, so other keys' hits and materializations go on.
     */
    public Lookup get(String key, float[] w) {
        MergedWeights hit = lru.get(key, m -> Arrays.equals(m.w(), w) && m.tryRetain());
        if (hit != null) {
            return new Lookup(hit, false);
        }
        synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
            // another batch of the key may have materialized it while this one waited for the lock
            hit = lru.get(key, m -> Arrays.equals(m.w(), w) && m.tryRetain());
            if (hit != null) {
                return new Lookup(hit, false);
            }
            if (lru.contains(key)) {
                LOG.warnf("cluster key '%s' arrived with merge weights %s unlike the cached set's: re-materializing",
                        key, Arrays.toString(w));
            }
            MergedWeights fresh;
            // core's Materializer lends its resident arrays to one scratch manager at a time: one materialization
            // at a time (CPU-bound either way), while hits and executions of other keys go on
            synchronized (materializing) {
                long t0 = System.nanoTime();
                fresh = materialize(key, w);
                metrics.materialized(System.nanoTime() - t0);
            }
            fresh.retain(); // the caller's reference, besides the cache's
            List<String> evicted = new ArrayList<>();
            lru.admit(key, fresh, evicted);
            if (!evicted.isEmpty()) {
                LOG.debugf("evicted %s for '%s'", evicted, key);
            }
            return new Lookup(fresh, true);
        }
    }

    private MergedWeights materialize(String key, float[] w) {
        Materializer mat = holder.require().materializer();
        NDManager manager = mat.newSubManager();
        try {
            Map<String, NDArray> trunk = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : mat.materialize(manager, w).entrySet()) {
                if (e.getKey().matches(Architecture.HEAD_REGEX)) {
                    e.getValue().close();
                } else {
                    trunk.put(e.getKey(), e.getValue());
                }
            }
            return new MergedWeights(key, w.clone(), manager, trunk);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public CacheStats stats() {
        return lru.stats();
    }
}
