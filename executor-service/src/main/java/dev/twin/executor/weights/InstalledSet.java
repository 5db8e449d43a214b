package dev.twin.executor.weights;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One installed weight set on its own DJL manager. Reference-counted so that eviction never frees arrays a running
 * batch still reads: the manager closes when the set is retired and the last user has released it.
 */
final class InstalledSet {
    private final String key;
    private final Map<String, NDArray> params;
    private final Runnable free;
    private final long values;
    private int users;
    private boolean retired;
    private boolean freed;

    /** {@code free} releases the set's memory (closes its DJL manager); it runs exactly once. */
    InstalledSet(String key, Map<String, NDArray> params, Runnable free, long values) {
        this.key = key;
        this.params = params;
        this.free = free;
        this.values = values;
    }

    String key() {
        return key;
    }

    Map<String, NDArray> params() {
        return params;
    }

    long values() {
        return values;
    }

    synchronized void acquire() {
        users++;
    }

    synchronized void release() {
        users--;
        closeIfUnused();
    }

    synchronized void retire() {
        retired = true;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (retired && users == 0 && !freed) {
            freed = true;
            free.run();
        }
    }
}
