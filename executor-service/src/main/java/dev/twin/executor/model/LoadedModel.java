package dev.twin.executor.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the executor keeps of a bundle: the architecture, the names and shapes a weight set must have (the shared
 * expert's tensors without the heads), every task's head as DJL arrays, and the factored experts (θ* and the stacked
 * exclusive-expert factors, built once per bundle version) that run rows with their own merge weights.
 */
public final class LoadedModel implements AutoCloseable {
    private final Path dir;
    private final Architecture architecture;
    private final List<String> tasks;
    private final Map<String, int[]> weightShapes;
    private final Map<String, Map<String, NDArray>> heads;
    private final int inputDim;
    private final NDManager manager;
    private final FactoredExperts factored;
    private final long factoredBytes;

    private LoadedModel(Path dir, Architecture architecture, List<String> tasks, Map<String, int[]> weightShapes,
                        Map<String, Map<String, NDArray>> heads, NDManager manager, FactoredExperts factored,
                        long factoredBytes) {
        this.dir = dir;
        this.factored = factored;
        this.factoredBytes = factoredBytes;
        this.architecture = architecture;
        this.tasks = tasks;
        this.weightShapes = weightShapes;
        this.heads = heads;
        this.manager = manager;
        int n = 1;
        for (int d : architecture.inputShape()) {
            n *= d;
        }
        this.inputDim = n;
    }

    /**
     * Loads (and sha256-checks) the bundle at dir, puts its heads on a fresh DJL manager and builds its factored
     * experts.
     */
    public static LoadedModel load(Path dir) {
        return load(dir, null);
    }

    /** As {@link #load(Path)}, with the heads, θ* and the factors on {@code device} (null: DJL's default). */
    public static LoadedModel load(Path dir, Device device) {
        Bundle bundle = Bundle.load(dir);
        Architecture arch = Architectures.create(bundle.manifest().architecture());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : bundle.modules().shared().asMap().entrySet()) {
            if (!e.getKey().matches(Architecture.HEAD_REGEX)) {
                shapes.put(e.getKey(), e.getValue().shape().clone());
            }
        }
        for (Map.Entry<String, int[]> e : arch.trunkShapes().entrySet()) {
            int[] have = shapes.get(e.getKey());
            if (have == null || !java.util.Arrays.equals(have, e.getValue())) {
                throw new IllegalStateException(dir + ": the shared expert lacks trunk tensor '" + e.getKey()
                        + "' " + java.util.Arrays.toString(e.getValue()) + " that architecture " + arch + " needs");
            }
        }
        NDManager manager = device == null ? DjlRuntime.newManager() : DjlRuntime.newManager(device);
        try {
            Map<String, Map<String, NDArray>> heads = new LinkedHashMap<>();
            for (String task : bundle.modules().tasks()) {
                WeightSet head = bundle.modules().heads().get(task);
                if (head == null || !head.contains("head." + task + ".weight") || !head.contains("head." + task + ".bias")) {
                    throw new IllegalStateException(dir + ": bundle has no head for task '" + task + "'");
                }
                heads.put(task, Collections.unmodifiableMap(Params.toNd(manager, head)));
            }
            FactoredExperts factored = FactoredExperts.of(bundle, device);
            try {
                return new LoadedModel(dir, arch, List.copyOf(bundle.modules().tasks()),
                        Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(heads), manager, factored,
                        residentBytes(bundle));
            } catch (RuntimeException e) {
                factored.close();
                throw e;
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Bytes the factored form keeps resident: θ* (4 per value) plus every exclusive expert's stored payload (its
     * factors, or its dense/sparse values), the form the stacked factors hold them in.
     */
    private static long residentBytes(Bundle bundle) {
        long bytes = 4L * bundle.modules().shared().numel();
        for (var expert : bundle.modules().exclusive().values()) {
            for (var tensor : expert.values()) {
                bytes += tensor.storedBytes();
            }
        }
        return bytes;
    }

    public Path dir() {
        return dir;
    }

    public Architecture architecture() {
        return architecture;
    }

    public List<String> tasks() {
        return tasks;
    }

    /** Name → shape of every tensor an installed weight set must carry, in the shared expert's order. */
    public Map<String, int[]> weightShapes() {
        return weightShapes;
    }

    /** The head arrays of a task ({@code head.<task>.weight}, {@code head.<task>.bias}), or null if unknown. */
    public Map<String, NDArray> head(String task) {
        return heads.get(task);
    }

    /** θ* and the stacked factors: rows with their own merge weights run through these. */
    public FactoredExperts factored() {
        return factored;
    }

    /** θ* as DJL arrays (the base of a batch with no installed key). */
    public Map<String, NDArray> shared() {
        return factored.shared();
    }

    /** Approximate bytes of θ* and the experts' factors held for factored execution. */
    public long factoredBytes() {
        return factoredBytes;
    }

    /** Floats per input row: prod(inputShape). */
    public int inputDim() {
        return inputDim;
    }

    /** A child manager on the same device for installed weight sets. */
    public NDManager newSubManager() {
        return manager.newSubManager();
    }

    @Override
    public void close() {
        factored.close();
        manager.close();
    }
}
