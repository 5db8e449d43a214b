package dev.twin.core.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A named set of float32 tensors (a model's parameters, a task vector, a merged weight set), in a stable order.
 */
public final class WeightSet {
    private final LinkedHashMap<String, FloatTensor> tensors;

    public WeightSet() {
        this.tensors = new LinkedHashMap<>();
    }

    public WeightSet(Map<String, FloatTensor> tensors) {
        this.tensors = new LinkedHashMap<>(tensors);
    }

    public WeightSet put(String name, FloatTensor t) {
        tensors.put(name, t);
        return this;
    }

    public FloatTensor get(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' (have " + tensors.keySet() + ")");
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, FloatTensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    /** Total number of float values. */
    public long numel() {
        long n = 0;
        for (FloatTensor t : tensors.values()) {
            n += t.numel();
        }
        return n;
    }

    /** The subset whose names satisfy {@code keep}, same order. */
    public WeightSet filter(Predicate<String> keep) {
        WeightSet out = new WeightSet();
        tensors.forEach((k, v) -> {
            if (keep.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Deep copy. */
    public WeightSet copy() {
        WeightSet out = new WeightSet();
        tensors.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    @Override
    public String toString() {
        return "WeightSet" + tensors.keySet();
    }
}
