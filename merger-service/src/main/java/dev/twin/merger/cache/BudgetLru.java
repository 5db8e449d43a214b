package dev.twin.merger.cache;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A least-recently-used cache bounded by a memory budget in bytes: admitting a value evicts (and closes) the least
 * recently used values until the total fits. A value larger than the whole budget is still admitted alone, so a
 * batch can always be served. Thread-safe (one lock).
 */
public final class BudgetLru<V extends Sized> {
    private final long budget;
    private final LinkedHashMap<String, V> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    public BudgetLru(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("cache budget must be positive bytes, got " + budget);
        }
        this.budget = budget;
    }

    /** The value of key, computing (and admitting) it on a miss; evicted keys are returned through evicted. */
    public synchronized V get(String key, Function<String, V> compute, List<String> evicted) {
        V v = map.get(key);
        if (v != null) {
            hits++;
            return v;
        }
        misses++;
        v = compute.apply(key);
        evictFor(v.bytes(), evicted);
        map.put(key, v);
        bytes += v.bytes();
        return v;
    }

    private void evictFor(long incoming, List<String> evicted) {
        Iterator<Map.Entry<String, V>> it = map.entrySet().iterator();
        while (bytes + incoming > budget && it.hasNext()) {
            Map.Entry<String, V> e = it.next();
            it.remove();
            bytes -= e.getValue().bytes();
            evictions++;
            evicted.add(e.getKey());
            e.getValue().close();
        }
    }

    /** Drops and closes the value of key, if any (not counted as an eviction). */
    public synchronized void remove(String key) {
        V v = map.remove(key);
        if (v != null) {
            bytes -= v.bytes();
            v.close();
        }
    }

    /** Whether key is cached (does not touch recency). */
    public synchronized boolean contains(String key) {
        return map.containsKey(key);
    }

    /** Cached keys, least recently used first. */
    public synchronized List<String> keys() {
        return new ArrayList<>(map.keySet());
    }

    public synchronized CacheStats stats() {
        return new CacheStats(hits, misses, evictions, map.size(), bytes, budget);
    }

    /** Closes every value. */
    public synchronized void clear() {
        map.values().forEach(Sized::close);
        map.clear();
        bytes = 0;
    }
}
