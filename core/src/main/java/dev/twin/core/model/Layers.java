package dev.twin.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The parameterized layers an architecture's forward pass calls, named by module ({@code trunk.0} reads
 * {@code trunk.0.weight} and {@code trunk.0.bias}). One forward pass serves every weight form: a plain weight set
 * (training, a static merge, a materialized θ(w)) or θ* with the exclusive experts kept factored, where each example
 * of the batch brings its own merge weights (TWIN-MERGING.md, "exact").
 *
 * <p>Batch convention: inputs of {@link #linear} and {@link #layerNorm} are [B·k, n], k rows per example in example
 * order (k = 1 for mlp/cnn, k = sequence length for bert), so a per-example weight applies to k consecutive rows.
 */
public interface Layers {

    /** x [B·k, in] → x·Wᵀ + b, [B·k, out]. */
    NDArray linear(String module, NDArray x);

    /** x [B, C, H, W] → conv2d(x, W, b) with the given stride and padding per axis (kernel [out, C, kh, kw]). */
    NDArray conv2d(String module, NDArray x, int stride, int padding);

    /**
     * ids int64 [B, L] → rows of the table {@code module.weight} [B, L, dim]. ids [1, L] means the same ids for every
     * example (positions, token types): the result is [1, L, dim] for one weight set and [B, L, dim] when each example
     * has its own table.
     */
    NDArray embedding(String module, NDArray ids);

    /** x [B·k, n] → (x − mean) / √(var + eps) · γ + β over the last axis (biased variance). */
    NDArray layerNorm(String module, NDArray x, float eps);
}
