package dev.twin.core.materialize;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.LowRank;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic merging (TWIN-MERGING.md, stage 2): θ(w) = θ* + Σt wt·v̂t, computed with DJL. Per tensor, the low-rank
 * experts are stacked once at load time so that Σt wt·Ut diag(St) Vtᵀ = [U1..UT]·diag(w⊗S)·[V1..VT]ᵀ is a single GEMM
 * of rank ΣR; dense and sparse parts (biases, uncompressed tensors) are one [1,T]·[T,n] product.
 */
public final class Materializer implements AutoCloseable {
    private final NDManager manager;
    private final List<String> tasks;
    private final Map<String, NDArray> shared = new LinkedHashMap<>();
    private final List<TensorPlan> plans = new ArrayList<>();
    private final List<NDArray> resident = new ArrayList<>();

    /** Precomputed stacked factors of one merged tensor. */
    private record TensorPlan(String name, Shape shape, NDArray uCat, NDArray vtCat, float[] sCat, int[] rankTask,
                              NDArray dense, int[] denseTasks) {
    }

    /** On the engine's default device (the GPU when DJL sees one). */
    public Materializer(Modularized m) {
        this(m, null);
    }

    /** With θ*, the stacked factors and every θ(w) on {@code device} (null: the engine's default device). */
    public Materializer(Modularized m, Device device) {
        this.manager = device == null ? DjlRuntime.newManager() : DjlRuntime.newManager(device);
        this.tasks = List.copyOf(m.tasks());
        for (String name : m.shared().names()) {
            FloatTensor t = m.shared().get(name);
            shared.put(name, manager.create(t.data(), shapeOf(t.shape())));
        }
        for (String name : m.mergedNames()) {
            plans.add(plan(name, m));
        }
        resident.addAll(shared.values());
        for (TensorPlan p : plans) {
            for (NDArray a : new NDArray[]{p.uCat(), p.vtCat(), p.dense()}) {
                if (a != null) {
                    resident.add(a);
                }
            }
        }
    }

    private TensorPlan plan(String name, Modularized m) {
        FloatTensor star = m.shared().get(name);
        int rows = star.rows();
        int cols = star.cols();
        List<LowRank> lowRank = new ArrayList<>();
        List<Integer> lowRankTasks = new ArrayList<>();
        List<float[]> dense = new ArrayList<>();
        List<Integer> denseTasks = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            CompressedTensor c = m.exclusive().get(tasks.get(t)).get(name);
            if (c == null) {
                throw new IllegalArgumentException("expert '" + tasks.get(t) + "' has no exclusive tensor '" + name + "'");
            }
            if (c instanceof LowRank lr) {
                lowRank.add(lr);
                lowRankTasks.add(t);
            } else {
                dense.add(c.toDense().data());
                denseTasks.add(t);
            }
        }
        NDArray uCat = null;
        NDArray vtCat = null;
        float[] sCat = new float[0];
        int[] rankTask = new int[0];
        if (!lowRank.isEmpty()) {
            int total = lowRank.stream().mapToInt(LowRank::r).sum();
            float[] u = new float[rows * total];
            float[] vt = new float[total * cols];
            sCat = new float[total];
            rankTask = new int[total];
            int off = 0;
            for (int i = 0; i < lowRank.size(); i++) {
                LowRank lr = lowRank.get(i);
                for (int j = 0; j < lr.r(); j++) {
                    for (int a = 0; a < rows; a++) {
                        u[a * total + off + j] = lr.u()[a * lr.r() + j];
                    }
                    for (int b = 0; b < cols; b++) {
                        vt[(off + j) * cols + b] = lr.v()[b * lr.r() + j];
                    }
                    sCat[off + j] = lr.s()[j];
                    rankTask[off + j] = lowRankTasks.get(i);
                }
                off += lr.r();
            }
            uCat = manager.create(u, new Shape(rows, total));
            vtCat = manager.create(vt, new Shape(total, cols));
        }
        NDArray d = null;
        if (!dense.isEmpty()) {
            float[] stacked = new float[dense.size() * star.numel()];
            for (int i = 0; i < dense.size(); i++) {
                System.arraycopy(dense.get(i), 0, stacked, i * star.numel(), star.numel());
            }
            d = manager.create(stacked, new Shape(dense.size(), star.numel()));
        }
        return new TensorPlan(name, shapeOf(star.shape()), uCat, vtCat, sCat, rankTask, d,
                denseTasks.stream().mapToInt(Integer::intValue).toArray());
    }

    public List<String> tasks() {
        return tasks;
    }

    /**
     * θ(w) as NDArrays attached to {@code target} (the caller closes them with it): every tensor of the shared
     * expert, the merged ones moved by Σt wt·v̂t.
     */
    public Map<String, NDArray> materialize(NDManager target, float[] w) {
        checkWeights(w);
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            // DJL attaches a result to its first operand's manager: lend the resident arrays to scratch so every
            // intermediate is freed when scratch closes (they return to the materializer's manager then)
            scratch.tempAttachAll(resident.toArray(NDArray[]::new));
            Map<String, NDArray> merged = new LinkedHashMap<>();
            for (TensorPlan p : plans) {
                NDArray theta = shared.get(p.name()).reshape(p.shape().get(0), -1);
                if (p.uCat() != null) {
                    float[] coef = new float[p.sCat().length];
                    for (int j = 0; j < coef.length; j++) {
                        coef[j] = w[p.rankTask()[j]] * p.sCat()[j]; // diag(w ⊗ S)
                    }
                    NDArray c = scratch.create(coef);
                    theta = theta.add(p.uCat().mul(c).matMul(p.vtCat())); // θ* + U·diag(w⊗S)·Vᵀ
                }
                if (p.dense() != null) {
                    float[] wd = new float[p.denseTasks().length];
                    for (int i = 0; i < wd.length; i++) {
                        wd[i] = w[p.denseTasks()[i]];
                    }
                    NDArray delta = scratch.create(wd, new Shape(1, wd.length)).matMul(p.dense()); // Σ wt·vt
                    theta = theta.add(delta.reshape(theta.getShape()));
                }
                NDArray result = theta.reshape(p.shape());
                result.attach(target);
                merged.put(p.name(), result);
            }
            for (Map.Entry<String, NDArray> e : shared.entrySet()) {
                NDArray r = merged.get(e.getKey());
                if (r == null) {
                    r = e.getValue().duplicate();
                    r.attach(target);
                }
                out.put(e.getKey(), r);
            }
        }
        return out;
    }

    /** θ(w) as float32 tensors (for writing a merged checkpoint). */
    public WeightSet materializeWeights(float[] w) {
        WeightSet ws = new WeightSet();
        try (NDManager target = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : materialize(target, w).entrySet()) {
                int[] shape = Arrays.stream(e.getValue().getShape().getShape()).mapToInt(Math::toIntExact).toArray();
                ws.put(e.getKey(), new FloatTensor(shape, e.getValue().toFloatArray()));
            }
        }
        return ws;
    }

    /** Creates arrays on the materializer's device (same engine) for callers that run the merged model. */
    public NDManager newSubManager() {
        return manager.newSubManager();
    }

    private void checkWeights(float[] w) {
        if (w.length != tasks.size()) {
            throw new IllegalArgumentException("merge weights have " + w.length + " values but the bundle has "
                    + tasks.size() + " tasks " + tasks);
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException("merge weight of task '" + tasks.get(i) + "' is " + w[i]);
            }
        }
    }

    private static Shape shapeOf(int[] shape) {
        return new Shape(Arrays.stream(shape).asLongStream().toArray());
    }

    @Override
    public void close() {
        manager.close();
    }
}
