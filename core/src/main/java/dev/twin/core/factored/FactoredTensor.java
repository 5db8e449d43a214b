package dev.twin.core.factored;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.LowRank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exclusive experts of one merged tensor, stacked once, and the per-example deltas they add to a layer's output.
 * For the 2-D view [m, n] of the tensor:
 * <ul>
 *   <li>low-rank experts v̂t = Ut diag(St) Vtᵀ as U = [U1..UT] [m, ΣR], Vᵀ [ΣR, n] and a selection [T, ΣR] holding
 *       St at (t, rank of t), so w·selection = w ⊗ S per example;</li>
 *   <li>dense and sparse experts as one dense stack [T·m, n] (task t's slab at rows t·m.., zero for tasks stored
 *       low-rank): applying it costs T·m·n MACs per row, T times the layer itself, the price of keeping them exact
 *       without a sparse kernel;</li>
 *   <li>rank-1 tensors (biases, LayerNorm γ and β) as [T, n], so the per-example tensor is w [B, T]·[T, n].</li>
 * </ul>
 * Every per-batch product takes the batch's array as first operand, so results live on the caller's manager.
 */
final class FactoredTensor {
    /** Largest per-slice product of the dense stack, in floats (64 MB). */
    static final long DENSE_SLICE_FLOATS = 1L << 24;
    private final String name;
    private final int[] shape;
    private final int m;
    private final int n;
    private final int tasks;
    /** U [m, ΣR], Vᵀ [ΣR, n], selection [T, ΣR]; null when no expert is low-rank. */
    private final NDArray u;
    private final NDArray vt;
    private final NDArray selection;
    /** Dense stack [T·m, n] (rank-1 tensors: [T, n]); null when every expert is low-rank. */
    private final NDArray dense;
    /** Conv views: Vᵀ as ΣR filters [ΣR, C, kh, kw], U as a 1×1 conv [m, ΣR, 1, 1], the stack as [T·m, C, kh, kw]. */
    private final NDArray vFilters;
    private final NDArray uMix;
    private final NDArray denseFilters;
    /** Row offsets t·m of each task's slab in the dense stack, int64 [T], for embedding lookups. */
    private final NDArray slabOffsets;

    FactoredTensor(NDManager manager, String name, int[] shape, List<CompressedTensor> experts) {
        this.name = name;
        this.shape = shape.clone();
        this.tasks = experts.size();
        long numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        this.m = shape.length <= 1 ? 1 : shape[0];
        this.n = Math.toIntExact(numel / m);
        List<Integer> lowRankTasks = new ArrayList<>();
        boolean anyDense = false;
        for (int t = 0; t < tasks; t++) {
            CompressedTensor c = experts.get(t);
            if (!Arrays.equals(c.shape(), shape)) {
                throw new IllegalArgumentException("exclusive tensor '" + name + "' of task #" + t + " has shape "
                        + Arrays.toString(c.shape()) + ", the shared expert's is " + Arrays.toString(shape));
            }
            if (c instanceof LowRank && shape.length >= 2) {
                lowRankTasks.add(t);
            } else {
                anyDense = true;
            }
        }
        if (!lowRankTasks.isEmpty()) {
            int total = lowRankTasks.stream().mapToInt(t -> ((LowRank) experts.get(t)).r()).sum();
            float[] uCat = new float[m * total];
            float[] vtCat = new float[total * n];
            float[] sel = new float[tasks * total];
            int off = 0;
            for (int t : lowRankTasks) {
                LowRank lr = (LowRank) experts.get(t);
                for (int j = 0; j < lr.r(); j++) {
                    for (int a = 0; a < m; a++) {
                        uCat[a * total + off + j] = lr.u()[a * lr.r() + j];
                    }
                    for (int b = 0; b < n; b++) {
                        vtCat[(off + j) * n + b] = lr.v()[b * lr.r() + j];
                    }
                    sel[t * total + off + j] = lr.s()[j]; // (w·selection)_j = w_t·S_j
                }
                off += lr.r();
            }
            this.u = manager.create(uCat, new Shape(m, total));
            this.vt = manager.create(vtCat, new Shape(total, n));
            this.selection = manager.create(sel, new Shape(tasks, total));
        } else {
            this.u = null;
            this.vt = null;
            this.selection = null;
        }
        if (anyDense) {
            float[] stack = new float[Math.toIntExact((long) tasks * m * n)];
            for (int t = 0; t < tasks; t++) {
                if (!lowRankTasks.contains(t)) {
                    float[] d = experts.get(t).toDense().data();
                    System.arraycopy(d, 0, stack, t * m * n, m * n);
                }
            }
            this.dense = manager.create(stack, new Shape((long) tasks * m, n));
            long[] offsets = new long[tasks];
            for (int t = 0; t < tasks; t++) {
                offsets[t] = (long) t * m;
            }
            this.slabOffsets = manager.create(offsets);
        } else {
            this.dense = null;
            this.slabOffsets = null;
        }
        if (shape.length == 4) {
            Shape kernel = new Shape(shape[1], shape[2], shape[3]);
            this.vFilters = vt == null ? null : vt.reshape(new Shape(vt.getShape().get(0)).addAll(kernel));
            this.uMix = u == null ? null : u.reshape(m, u.getShape().get(1), 1, 1);
            this.denseFilters = dense == null ? null : dense.reshape(new Shape((long) tasks * m).addAll(kernel));
        } else {
            this.vFilters = null;
            this.uMix = null;
            this.denseFilters = null;
        }
    }

    String name() {
        return name;
    }

    /** The per-example tensor delta Σt wt·v̂t of a rank-1 tensor: w [B, T]·[T, n] → [B, n]. */
    NDArray rowDelta(NDArray w) {
        requireRank1("a per-example vector");
        return w.matMul(dense);
    }

    /**
     * Σt wt·(x·v̂tᵀ) for x [B·k, n] with k rows per example: ((x·V) ⊙ (w⊗S)[example])·Uᵀ plus the dense stack's
     * Σt wt·(x·Dtᵀ); [B·k, m].
     */
    NDArray linearDelta(NDArray x, NDArray w, long batch, long k) {
        requireMatrix(2, "a linear layer");
        // one row per example (mlp, cnn) needs no reshapes: each reshape is one more native call per layer
        boolean flat = k == 1;
        NDArray d = null;
        if (u != null) {
            long r = u.getShape().get(1);
            NDArray z = Linear.linear(x, vt).singletonOrThrow(); // x·V
            NDArray coef = w.matMul(selection); // w ⊗ S
            z = flat ? z.mul(coef) : z.reshape(batch, k, r).mul(coef.reshape(batch, 1, r)).reshape(batch * k, r);
            d = Linear.linear(z, u).singletonOrThrow(); // ·Uᵀ
        }
        if (dense != null) {
            NDArray z = denseLinearDelta(x, w, batch, k, DENSE_SLICE_FLOATS);
            d = d == null ? z : d.add(z);
        }
        return d;
    }

    /**
     * Σt wt·x·Dtᵀ through the dense stack, [B·k, m], a slice of examples at a time so that x·Dtᵀ for every t (B·k·T·m
     * floats) stays under {@code sliceFloats}: for MiniLM's feed-forward with 256 examples of 128 tokens and six
     * sparse experts one product is 1.2 GB, and the whole batch's ran a text suite's compression sweep out of 24 GB.
     */
    NDArray denseLinearDelta(NDArray x, NDArray w, long batch, long k, long sliceFloats) {
        long perExample = k * tasks * m;
        long slice = Math.max(1, sliceFloats / perExample);
        if (slice >= batch) {
            return denseLinearSlice(x, w, batch, k);
        }
        NDList parts = new NDList();
        for (long b0 = 0; b0 < batch; b0 += slice) {
            long b1 = Math.min(batch, b0 + slice);
            try (NDScope ignored = new NDScope()) { // frees this slice's [slice·k, T·m] products now
                NDArray part = denseLinearSlice(x.get(new NDIndex("{}:{}", b0 * k, b1 * k)),
                        w.get(new NDIndex("{}:{}", b0, b1)), b1 - b0, k);
                NDScope.unregister(part);
                parts.add(part);
            }
        }
        NDArray out = NDArrays.concat(parts, 0);
        parts.close();
        return out;
    }

    private NDArray denseLinearSlice(NDArray x, NDArray w, long batch, long k) {
        NDArray z = Linear.linear(x, dense).singletonOrThrow(); // [B·k, T·m]: x·Dtᵀ for every t
        return k == 1 ? z.reshape(batch, tasks, m).mul(w.reshape(batch, tasks, 1)).sum(new int[] {1})
                : z.reshape(batch, k, tasks, m).mul(w.reshape(batch, 1, tasks, 1)).sum(new int[] {2})
                .reshape(batch * k, m); // Σt wt·x·Dtᵀ
    }

    /** The same for a convolution x [B, C, H, W] → [B, m, H', W']: conv with the ΣR filters of V, scale, 1×1 with U. */
    NDArray convDelta(NDArray x, NDArray w, int stride, int padding) {
        requireMatrix(4, "a convolution");
        long batch = x.getShape().get(0);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        Shape one = new Shape(1, 1);
        NDArray d = null;
        if (u != null) {
            long r = u.getShape().get(1);
            NDArray z = Conv2d.conv2d(x, vFilters, null, s, p, one, 1).singletonOrThrow()
                    .mul(w.matMul(selection).reshape(batch, r, 1, 1)); // (Vᵀ ⊛ x) ⊙ (w⊗S)
            d = Conv2d.conv2d(z, uMix, null, one, new Shape(0, 0), one, 1).singletonOrThrow(); // 1×1 with U
        }
        if (dense != null) {
            NDArray z = Conv2d.conv2d(x, denseFilters, null, s, p, one, 1).singletonOrThrow();
            Shape out = z.getShape();
            z = z.reshape(batch, tasks, m, out.get(2), out.get(3)).mul(w.reshape(batch, tasks, 1, 1, 1))
                    .sum(new int[] {1}); // Σt wt·(Dt ⊛ x)
            d = d == null ? z : d.add(z);
        }
        return d;
    }

    /**
     * Rows of Σt wt·v̂t for ids int64 [Bi, L] (Bi = B, or 1 for ids shared by every example): (U[id] ⊙ (w⊗S))·Vᵀ
     * plus Σt wt·Dt[id]; [B, L, n].
     */
    NDArray embeddingDelta(NDArray ids, NDArray w) {
        requireMatrix(2, "an embedding table");
        long batch = w.getShape().get(0);
        long bi = ids.getShape().get(0);
        long len = ids.getShape().get(1);
        NDArray d = null;
        if (u != null) {
            long r = u.getShape().get(1);
            NDArray g = Embedding.embedding(ids, u, SparseFormat.DENSE).singletonOrThrow()
                    .mul(w.matMul(selection).reshape(batch, 1, r)); // U[id] ⊙ (w⊗S)
            d = g.matMul(vt);
        }
        if (dense != null) {
            NDArray rows = ids.reshape(bi, len, 1).add(slabOffsets); // row id + t·m in the stack, [Bi, L, T]
            NDArray z = Embedding.embedding(rows, dense, SparseFormat.DENSE).singletonOrThrow()
                    .mul(w.reshape(batch, 1, tasks, 1)).sum(new int[] {2}); // Σt wt·Dt[id]
            d = d == null ? z : d.add(z);
        }
        return d;
    }

    private void requireRank1(String use) {
        if (shape.length > 1) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " cannot be used as " + use);
        }
    }

    private void requireMatrix(int rank, String use) {
        if (shape.length != rank) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " cannot be used as " + use);
        }
    }
}
