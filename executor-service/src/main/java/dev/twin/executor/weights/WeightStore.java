package dev.twin.executor.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.model.Params;
import dev.twin.core.tensor.WeightSet;
import dev.twin.executor.config.ExecutorConfig;
import dev.twin.executor.model.LoadedModel;
import dev.twin.executor.reject.Rejection;
import dev.twin.executor.reject.RejectedException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The bounded set of installed weight sets, least recently used evicted first (an install or an execution counts as
 * a use). Evicted sets free their DJL memory once no batch uses them.
 */
@ApplicationScoped
public class WeightStore {
    private static final Logger LOG = Logger.getLogger(WeightStore.class);

    private final int capacity;
    private final long budgetBytes;
    private final DirectMemory direct;
    // direct memory the sets may take: measured at the first install, when only the bundle (and per-call buffers) is
    // there; -1 until then
    private long directRoom = -1;
    private long bytes;
    private long installs;
    private long evictions;
    // access order: iteration runs from least to most recently used
    private final LinkedHashMap<String, InstalledSet> sets = new LinkedHashMap<>(16, 0.75f, true);

    @Inject
    public WeightStore(ExecutorConfig config) {
        this(config, DirectMemory.ofThisJvm());
    }

    WeightStore(ExecutorConfig config, DirectMemory direct) {
        if (config.maxInstalled() < 1) {
            throw new IllegalArgumentException("twin.executor.max-installed must be at least 1, got "
                    + config.maxInstalled());
        }
        if (config.maxInstalledBytes() < 1) {
            throw new IllegalArgumentException("twin.executor.max-installed-bytes must be positive, got "
                    + config.maxInstalledBytes());
        }
        this.capacity = config.maxInstalled();
        this.budgetBytes = config.maxInstalledBytes();
        this.direct = direct;
    }

    /** Counters since start: sets installed and sets evicted to stay within the bounds. */
    public record Counters(long installs, long evictions, long bytes) {
    }

    public Counters counters() {
        synchronized (sets) {
            return new Counters(installs, evictions, bytes);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Installs (or replaces) the set under key; returns the keys evicted to stay within capacity, oldest first. */
    public List<String> install(LoadedModel model, String key, WeightSet weights) {
        List<String> evicted = makeRoom(key, 4L * weights.numel());
        NDManager manager = model.newSubManager();
        Map<String, NDArray> params;
        try {
            params = Collections.unmodifiableMap(Params.toNd(manager, weights));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        InstalledSet fresh = new InstalledSet(key, params, manager::close, weights.numel());
        List<InstalledSet> dropped = new ArrayList<>();
        synchronized (sets) {
            InstalledSet old = sets.put(key, fresh);
            installs++;
            bytes += 4L * fresh.values();
            if (old != null) {
                dropped.add(old);
                bytes -= 4L * old.values();
            }
            while ((sets.size() > capacity || bytes > budgetBytes) && sets.size() > 1
                    && evictEldest(key, dropped, evicted)) {
                // one set evicted per pass
            }
        }
        dropped.forEach(InstalledSet::retire);
        if (!evicted.isEmpty()) {
            LOG.debugf("installed '%s', evicted %s", key, evicted);
        }
        return evicted;
    }

    /**
     * Evicts least recently used sets until {@code incoming} more bytes fit both the byte budget and the direct memory
     * left, before anything is allocated. Sets live in direct memory, whose limit (the heap's size by default) can be
     * below the byte budget: MiniLM's merged sets (90 MB each) exhausted a 768 MB executor before the budget evicted
     * anything, and every later install failed with OutOfMemoryError (text-6, lattice, 1 Dec 2026). Evicted sets free
     * their memory once no batch uses them and the collector has run (the JDK runs it when a direct allocation would
     * not fit). A set that cannot fit even alone is refused with the sizes.
     */
    private List<String> makeRoom(String key, long incoming) {
        List<InstalledSet> dropped = new ArrayList<>();
        List<String> evicted = new ArrayList<>();
        synchronized (sets) {
            if (directRoom < 0) {
                directRoom = direct.roomForSets(direct.used().getAsLong() - bytes);
            }
            if (incoming > directRoom) {
                throw new IllegalStateException("weight set '" + key + "' needs " + mib(incoming) + " of direct memory "
                        + "and this executor has " + mib(directRoom) + " for installed sets (direct memory limit "
                        + mib(direct.max()) + ", the heap's -Xmx unless -XX:MaxDirectMemorySize is set): give it more");
            }
            long limit = Math.min(budgetBytes, directRoom);
            while (bytes + incoming > limit && evictEldest(key, dropped, evicted)) {
                // one set evicted per pass
            }
        }
        dropped.forEach(InstalledSet::retire);
        return evicted;
    }

    /**
     * With the lock held: evicts the least recently used set other than {@code keep} (the set being installed or
     * replaced, which its install frees itself); false when there is none.
     */
    private boolean evictEldest(String keep, List<InstalledSet> dropped, List<String> evicted) {
        for (Iterator<InstalledSet> it = sets.values().iterator(); it.hasNext(); ) {
            InstalledSet eldest = it.next();
            if (!eldest.key().equals(keep)) {
                it.remove();
                bytes -= 4L * eldest.values();
                evictions++;
                dropped.add(eldest);
                evicted.add(eldest.key());
                return true;
            }
        }
        return false;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Uses the set under key (marking it most recently used); NOT FOUND when it is not installed. */
    public Lease lease(String key) {
        synchronized (sets) {
            InstalledSet s = sets.get(key);
            if (s == null) {
                throw new RejectedException(Rejection.UNKNOWN_KEY, "weight set '" + key + "' is not installed"
                        + " (never installed or evicted; " + sets.size() + "/" + capacity + " installed): install it first");
            }
            return new Lease(s);
        }
    }

    /** Installed sets, most recently used first. */
    public List<Installed> list() {
        List<Installed> out = new ArrayList<>();
        synchronized (sets) {
            for (InstalledSet s : sets.values()) {
                out.add(new Installed(s.key(), s.values()));
            }
        }
        Collections.reverse(out);
        return out;
    }

    // runs before the model holder frees the bundle's manager (the parent of every set's manager)
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        List<InstalledSet> all;
        synchronized (sets) {
            all = new ArrayList<>(sets.values());
            sets.clear();
        }
        all.forEach(InstalledSet::retire);
    }
}
