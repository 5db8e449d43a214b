package dev.twin.executor.weights;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Use of an installed weight set for one batch; closing it lets eviction free the set. */
public final class Lease implements AutoCloseable {
    private final InstalledSet set;
    private boolean closed;

    Lease(InstalledSet set) {
        this.set = set;
        set.acquire();
    }

    /** The set's tensors by name (read-only use). */
    public Map<String, NDArray> params() {
        return set.params();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            set.release();
        }
    }
}
