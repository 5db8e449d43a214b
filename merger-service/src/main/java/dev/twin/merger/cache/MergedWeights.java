package dev.twin.merger.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * One materialized θ(w) without heads, held as DJL arrays on their own manager (closing it frees the device memory).
 * bytes = 4 × numel.
 */
public final class MergedWeights implements Sized {
    private final String key;
    private final float[] w;
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final long bytes;

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

    @Override
    public void close() {
        manager.close();
    }
}
