package dev.twin.core.hf;

import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.TensorInfo;
import dev.twin.core.tensor.TensorSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter seen as a full expert checkpoint over its base: the base's names, shapes and order, with
 * {@code load} giving base + scale · B·A for each targeted {@code <module>.weight} (transposed under
 * fan_in_fan_out), the adapter's tensor for modules_to_save parameters, and the base tensor otherwise. Adapter names
 * meet base names by {@link BaseNames}' rule; everything is checked when bound (headers only), so loads cannot fail
 * on a mismatch. {@link #info} is the base's header entry (the expert has the same shapes; ΔW is float32).
 */
public final class LoraExpert implements TensorSource {
    private final TensorSource base;
    private final LoraAdapter adapter;
    private final Path path;
    private final Map<String, LoraFactors> targets;
    private final Map<String, FloatTensor> replaced;
    private final boolean ownsBase;

    private LoraExpert(TensorSource base, LoraAdapter adapter, Path path, Map<String, LoraFactors> targets,
                       Map<String, FloatTensor> replaced, boolean ownsBase) {
        this.base = base;
        this.adapter = adapter;
        this.path = path;
        this.targets = targets;
        this.replaced = replaced;
        this.ownsBase = ownsBase;
    }

    /**
     * Binds {@code adapter} (read from {@code adapterPath}, null for one built in memory) to {@code base}; closing the
     * expert closes the base when {@code ownsBase}.
     *
     * @throws CheckpointException naming the adapter, the base and the module or tensor that has no counterpart in
     *                             the base, maps ambiguously, or has the wrong shape
     */
    public static LoraExpert bind(TensorSource base, LoraAdapter adapter, Path adapterPath, boolean ownsBase) {
        BaseNames names = new BaseNames(base.names());
        String against = " (adapter " + (adapterPath == null ? "in memory" : adapterPath) + ", base " + base.path()
                + ")";
        if (adapterPath == null) {
            adapterPath = base.path();
        }
        Map<String, LoraFactors> targets = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        boolean fifo = adapter.config().fanInFanOut();
        for (Map.Entry<String, LoraFactors> e : adapter.modules().entrySet()) {
            String module = e.getKey();
            LoraFactors f = e.getValue();
            String name = resolve(names, module + ".weight", "target module '" + module + "'", against, adapterPath);
            long[] want = Arrays.stream(f.deltaShape(fifo)).asLongStream().toArray();
            TensorInfo info = base.info(name);
            if (!Arrays.equals(want, info.shape())) {
                throw new CheckpointException(adapterPath, "target module '" + module + "': B·A" + (f.embedding()
                        || fifo ? "ᵀ" : "") + " has shape " + Arrays.toString(want) + " (lora_B "
                        + f.b().shapeString() + " · lora_A " + f.a().shapeString() + (fifo ? ", fan_in_fan_out" : "")
                        + ") but base tensor '" + name + "' has shape " + info.shapeString() + against);
            }
            claim(from, name, module, adapterPath);
            targets.put(name, f);
        }
        Map<String, FloatTensor> replaced = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : adapter.saved().asMap().entrySet()) {
            String saved = e.getKey();
            String name = resolve(names, saved, "modules_to_save tensor '" + saved + "'", against, adapterPath);
            TensorInfo info = base.info(name);
            long[] have = Arrays.stream(e.getValue().shape()).asLongStream().toArray();
            if (!Arrays.equals(have, info.shape())) {
                throw new CheckpointException(adapterPath, "modules_to_save tensor '" + saved + "' has shape "
                        + e.getValue().shapeString() + " but base tensor '" + name + "' has shape "
                        + info.shapeString() + against);
            }
            claim(from, name, saved, adapterPath);
            replaced.put(name, e.getValue());
        }
        return new LoraExpert(base, adapter, adapterPath, Collections.unmodifiableMap(targets),
                Collections.unmodifiableMap(replaced), ownsBase);
    }

    private static String resolve(BaseNames names, String name, String what, String against, Path adapterPath) {
        List<String> c = names.candidates(name);
        if (c.isEmpty()) {
            throw new CheckpointException(adapterPath, what + " is not in the base: no tensor "
                    + BaseNames.tried(name) + against);
        }
        if (c.size() > 1) {
            throw new CheckpointException(adapterPath, what + " matches several base tensors " + c + against);
        }
        return c.get(0);
    }

    private static void claim(Map<String, String> from, String baseName, String adapterName, Path adapterPath) {
        String prev = from.put(baseName, adapterName);
        if (prev != null) {
            throw new CheckpointException(adapterPath, "'" + prev + "' and '" + adapterName
                    + "' of the adapter both map to base tensor '" + baseName + "'");
        }
    }

    /** The adapter this expert applies. */
    public LoraAdapter adapter() {
        return adapter;
    }

    /** Base tensor name → the factors whose ΔW is added to it. */
    public Map<String, LoraFactors> targets() {
        return targets;
    }

    /** Base tensor names the adapter replaces (modules_to_save). */
    public java.util.Set<String> replacedNames() {
        return replaced.keySet();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<String> names() {
        return base.names();
    }

    @Override
    public TensorInfo info(String name) {
        return base.info(name);
    }

    @Override
    public FloatTensor load(String name) {
        FloatTensor saved = replaced.get(name);
        if (saved != null) {
            return saved.copy();
        }
        FloatTensor t = base.load(name);
        LoraFactors f = targets.get(name);
        if (f != null) {
            // W' = W + scale · B·A
            f.addDeltaTo(t.data(), adapter.config().scale(), adapter.config().fanInFanOut());
        }
        return t;
    }

    @Override
    public int[] loadInts(String name) {
        if (targets.containsKey(name) || replaced.containsKey(name)) {
            throw new CheckpointException(path, "tensor '" + name + "' is changed by the adapter and is float;"
                    + " loadInts reads only integer tensors");
        }
        return base.loadInts(name);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void close() {
        if (ownsBase) {
            base.close();
        }
    }

    @Override
    public String toString() {
        return "LoraExpert[" + path + " over " + base.path() + ", " + targets.size() + " modules, " + replaced.size()
                + " saved tensors]";
    }
}
