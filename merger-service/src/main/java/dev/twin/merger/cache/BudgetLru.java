package dev.twin.merger.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A least-recently-used cache bounded by a memory budget in bytes: admitting a value evicts (and closes) the least
 * recently used values until the total fits. A value larger than the whole budget is still admitted alone, so a
 * batch can always be served. Lookups take no lock (a concurrent map; recency is a use stamp per entry); admission
 * and removal are serialized, and eviction scans the stamps (a cache of merged sets holds tens of entries).
 */
public final class BudgetLru<V extends Sized> {
    private final long budget;
    private final ConcurrentHashMap<String, Entry<V>> map = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private long bytes;
    private long misses;
    private long evictions;

    private static final class Entry<V> {
        final V value;
        volatile long used;

        Entry(V value, long used) {
            this.value = value;
            this.used = used;
        }
    }

    public BudgetLru(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("cache budget must be positive bytes, got " + budget);
        }
        this.budget = budget;
    }

    /**
     * The value of key when cached and {@code accept} takes it (a hit: counted, and the value becomes the most
     * recently used); null otherwise. Lock-free; {@code accept} may claim the value (e.g. retain it).
     */
    public V get(String key, Predicate<V> accept) {
        Entry<V> e = map.get(key);
        if (e == null || !accept.test(e.value)) {
            return null;
        }
        e.used = clock.incrementAndGet();
        hits.increment();
        return e.value;
    }

    /**
     * Admits value under key as the most recently used (a miss: it was computed), replacing and closing a value
     * already there; evicts least recently used values until it fits and reports their keys through evicted.
     */
    public synchronized void admit(String key, V value, List<String> evicted) {
        misses++;
        Entry<V> old = map.remove(key);
        if (old != null) {
            bytes -= old.value.bytes();
            old.value.close();
        }
        List<Map.Entry<String, Entry<V>>> byAge = new ArrayList<>(map.entrySet());
        byAge.sort(Comparator.comparingLong(x -> x.getValue().used));
        for (int i = 0; i < byAge.size() && bytes + value.bytes() > budget; i++) {
            Map.Entry<String, Entry<V>> e = byAge.get(i);
            map.remove(e.getKey());
            bytes -= e.getValue().value.bytes();
            evictions++;
            evicted.add(e.getKey());
            e.getValue().value.close();
        }
        map.put(key, new Entry<>(value, clock.incrementAndGet()));
        bytes += value.bytes();
    }

    /** Drops and closes the value of key, if any (not counted as an eviction). */
    public synchronized void remove(String key) {
        Entry<V> e = map.remove(key);
        if (e != null) {
            bytes -= e.value.bytes();
            e.value.close();
        }
    }

    /** Whether key is cached (does not touch recency). */
    public boolean contains(String key) {
        return map.containsKey(key);
    }

    /** Cached keys, least recently used first. */
    public List<String> keys() {
        List<Map.Entry<String, Entry<V>>> byAge = new ArrayList<>(map.entrySet());
        byAge.sort(Comparator.comparingLong(x -> x.getValue().used));
        return byAge.stream().map(Map.Entry::getKey).toList();
    }

    public synchronized CacheStats stats() {
        return new CacheStats(hits.sum(), misses, evictions, map.size(), bytes, budget);
    }

    /** Closes every value. */
    public synchronized void clear() {
        map.values().forEach(e -> e.value.close());
        map.clear();
        bytes = 0;
    }
}
