package dev.twin.merger.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * One materialized θ(w) without heads, held as DJL arrays on their own manager. bytes = 4 × numel. Reference-counted:
 * the cache holds one reference ({@link #close} drops it on eviction) and every batch using the set holds one
 * ({@link #retain} / {@link #release}), so an eviction never frees arrays a batch still sends or runs.
 */
public final class MergedWeights implements Sized {
    private final String key;
    private final float[] w;
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final long bytes;
    private int refs = 1; // the cache's

    public MergedWeights(String key, float[] w, NDManager manager, Map<String, NDArray> tensors) {
        this.key = key;
        this.w = w;
        this.manager = manager;
        this.tensors = tensors;
        long n = 0;
        for (NDArray a : tensors.values()) {
            n += a.size();
        }
        this.bytes = 4L * n; // float32
    }

    public String key() {
        return key;
    }

    /** The merge weights w it was materialized from (bundle task order). */
    public float[] w() {
        return w;
    }

    /** Name → tensor in the shared expert's order. */
    public Map<String, NDArray> tensors() {
        return tensors;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** One more user; fails when the set is already freed. */
    public synchronized MergedWeights retain() {
        if (refs == 0) {
            throw new IllegalStateException("merged set '" + key + "' was already freed");
        }
        refs++;
        return this;
    }

    /** One more user unless the set is already freed (an eviction won the race): then false and no reference. */
    public synchronized boolean tryRetain() {
        if (refs == 0) {
            return false;
        }
        refs++;
        return true;
    }

    /** Drops one user's reference; the last one frees the arrays. */
    public synchronized void release() {
        if (refs == 0) {
            throw new IllegalStateException("merged set '" + key + "' released more often than retained");
        }
        if (--refs == 0) {
            manager.close();
        }
    }

    /** Whether the arrays are freed (every reference released). */
    public synchronized boolean freed() {
        return refs == 0;
    }

    /** The cache lets go of the set (evicted, removed or cleared). */
    @Override
    public void close() {
        release();
    }
}
