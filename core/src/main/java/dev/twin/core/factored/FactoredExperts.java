package dev.twin.core.factored;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.DenseLayers;
import dev.twin.core.model.Layers;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Twin-Merging without materialization (TWIN-MERGING.md, "exact"): θ* and the exclusive experts, stacked once per
 * merged tensor, on their own manager. {@link #layers(NDArray)} gives a forward pass in which every example of a batch
 * runs with its own θ(w) = θ* + Σt wt·v̂t, at the cost of ΣR·(m+n) MACs per row and low-rank tensor on top of θ*.
 *
 * <p>Per-batch arrays (the input, w, every intermediate) stay on the caller's manager: the experts' arrays are only
 * ever second operands. Run each batch in an {@code NDScope} or on a scratch manager. Thread-safe after construction.
 */
public final class FactoredExperts implements AutoCloseable {
    private static final String NAME = "factored";

    private final NDManager manager;
    private final List<String> tasks;
    private final Map<String, NDArray> shared;
    private final Map<String, int[]> shapes;
    private final Map<String, FactoredTensor> experts;

    /** On the engine's default device (the GPU when DJL sees one). */
    public FactoredExperts(Modularized m) {
        this(m, null);
    }

    /** With θ* and the stacked factors on {@code device} (null: the engine's default); batches must use it too. */
    public FactoredExperts(Modularized m, Device device) {
        if (m.tasks() == null || m.tasks().isEmpty()) {
            throw new IllegalArgumentException("factored experts need at least one task");
        }
        this.manager = device == null ? DjlRuntime.newManager() : DjlRuntime.newManager(device);
        try {
            this.tasks = List.copyOf(m.tasks());
            Map<String, NDArray> s = new LinkedHashMap<>();
            Map<String, int[]> sh = new LinkedHashMap<>();
            for (String name : m.shared().names()) {
                FloatTensor t = m.shared().get(name);
                NDArray a = manager.create(t.data(), new Shape(Arrays.stream(t.shape()).asLongStream().toArray()));
                a.setName(name);
                s.put(name, a);
                sh.put(name, t.shape());
            }
            this.shared = Collections.unmodifiableMap(s);
            this.shapes = Collections.unmodifiableMap(sh);
            Map<String, FactoredTensor> ex = new LinkedHashMap<>();
            for (String name : m.mergedNames()) {
                if (!sh.containsKey(name)) {
                    throw new IllegalArgumentException("exclusive tensor '" + name + "' has no shared-expert tensor");
                }
                List<CompressedTensor> parts = new ArrayList<>();
                for (String task : tasks) {
                    Map<String, CompressedTensor> v = m.exclusive().get(task);
                    CompressedTensor c = v == null ? null : v.get(name);
                    if (c == null) {
                        throw new IllegalArgumentException("expert '" + task + "' has no exclusive tensor '" + name
                                + "'");
                    }
                    parts.add(c);
                }
                ex.put(name, new FactoredTensor(manager, name, sh.get(name), parts));
            }
            this.experts = Collections.unmodifiableMap(ex);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The factored experts of a loaded bundle, checked against the trunk shapes of the bundle's architecture. */
    public static FactoredExperts of(Bundle bundle) {
        return of(bundle, null);
    }

    /** As {@link #of(Bundle)}, on {@code device} (null: the engine's default device). */
    public static FactoredExperts of(Bundle bundle, Device device) {
        Architecture arch = Architectures.create(bundle.manifest().architecture());
        FactoredExperts f = new FactoredExperts(bundle.modules(), device);
        arch.trunkShapes().forEach((name, shape) -> {
            int[] have = f.shapes.get(name);
            if (!Arrays.equals(have, shape)) {
                f.close();
                throw new IllegalArgumentException(bundle.dir() + ": shared tensor '" + name + "' has shape "
                        + (have == null ? "(missing)" : Arrays.toString(have)) + ", architecture " + arch
                        + " expects " + Arrays.toString(shape));
            }
        });
        return f;
    }

    /** Task names, in the order of the columns of w. */
    public List<String> tasks() {
        return tasks;
    }

    /** θ* by name (for static serving, or a forward pass with no merge weights); owned by this object. */
    public Map<String, NDArray> shared() {
        return shared;
    }

    /** Layers in which example b runs with θ* + Σt w[b,t]·v̂t; w float32 [B, T] in {@link #tasks()} order. */
    public Layers layers(NDArray w) {
        return layers(shared, w);
    }

    /**
     * Layers in which example b runs with base + Σt w[b,t]·v̂t. With base = θ(w_key) materialized and w = the
     * residual w_row − w_key, this is θ(w_row) exactly: a hot cluster key plus a factored residual.
     */
    public Layers layers(Map<String, NDArray> base, NDArray w) {
        checkWeights(w);
        return new FactoredLayers(new DenseLayers(NAME, shapes, base), experts, w);
    }

    private void checkWeights(NDArray w) {
        Shape s = w.getShape();
        if (s.dimension() != 2 || s.get(1) != tasks.size() || s.get(0) < 1) {
            throw new IllegalArgumentException("merge weights have shape " + s + ", expected [batch, " + tasks.size()
                    + "] for tasks " + tasks);
        }
        if (w.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("merge weights must be float32, got " + w.getDataType());
        }
        float[] v = w.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("merge weight of row " + i / tasks.size() + ", task '"
                        + tasks.get(i % tasks.size()) + "' is " + v[i]);
            }
        }
    }

    /** Arrays held on this object's manager (tests check that a forward pass adds none). */
    int residentArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
