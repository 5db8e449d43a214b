package dev.twin.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.materialize.Materializer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Merged weight sets by cluster key, least recently used evicted; counts materializations. */
final class MergedCache implements AutoCloseable {
    private final Materializer materializer;
    private final int capacity;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long hits;
    private long misses;

    private record Entry(NDManager manager, Map<String, NDArray> params) {
    }

    MergedCache(Materializer materializer, int capacity) {
        this.materializer = materializer;
        this.capacity = capacity;
    }

    Map<String, NDArray> get(String key, float[] w) {
        Entry e = entries.get(key);
        if (e != null) {
            hits++;
            return e.params();
        }
        misses++;
        NDManager m = materializer.newSubManager();
        e = new Entry(m, materializer.materialize(m, w));
        entries.put(key, e);
        if (entries.size() > capacity) {
            Map.Entry<String, Entry> eldest = entries.entrySet().iterator().next();
            entries.remove(eldest.getKey());
            eldest.getValue().manager().close();
        }
        return e.params();
    }

    long materializations() {
        return misses;
    }

    long hits() {
        return hits;
    }

    @Override
    public void close() {
        entries.values().forEach(e -> e.manager().close());
        entries.clear();
    }
}
