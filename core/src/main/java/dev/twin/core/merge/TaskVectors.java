package dev.twin.core.merge;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Task vectors τt = θt − θ0 and the bookkeeping every merge method shares: checking that the inputs line up,
 * choosing the tensors to merge, and putting excluded tensors back from the base.
 */
public final class TaskVectors {

    private TaskVectors() {
    }

    /** τ = θt − θ0 for every tensor; both sets must have the same names and shapes. */
    public static WeightSet of(WeightSet base, WeightSet expert) {
        List<String> names = new ArrayList<>(base.names());
        checkFinite(base, "base", names);
        checkAligned(base, expert, "expert", names);
        checkExtra(base, expert, "expert", null);
        return of(base, expert, names);
    }

    /**
     * Checks that base and experts line up and returns the names to merge: the base's tensors in its order minus the
     * excluded ones. Every merged tensor must exist in every expert with the base's shape and hold only finite values;
     * excluded tensors are taken from the base, so the experts' copies may differ in shape (per-task heads) or be absent.
     */
    public static List<String> mergedNames(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        if (base == null) {
            throw new IllegalArgumentException("no base weight set given");
        }
        if (experts == null || experts.isEmpty()) {
            throw new IllegalArgumentException("no experts given: merging needs at least one");
        }
        List<String> names = new ArrayList<>();
        for (String name : base.names()) {
            if (!opts.isExcluded(name)) {
                names.add(name);
            }
        }
        checkFinite(base, "base", names);
        for (int t = 0; t < experts.size(); t++) {
            WeightSet e = experts.get(t);
            String label = "expert[" + t + "]";
            if (e == null) {
                throw new IllegalArgumentException(label + " is null");
            }
            checkAligned(base, e, label, names);
            checkExtra(base, e, label, opts);
        }
        return names;
    }

    /** τt restricted to {@code names} for each expert, in the experts' order (inputs already checked). */
    public static List<WeightSet> of(WeightSet base, List<WeightSet> experts, List<String> names) {
        List<WeightSet> taus = new ArrayList<>(experts.size());
        for (WeightSet e : experts) {
            taus.add(of(base, e, names));
        }
        return taus;
    }

    /** θ0 + λ·τ elementwise in float32. */
    public static FloatTensor addScaled(FloatTensor base, float[] tau, double lambda) {
        float l = (float) lambda;
        float[] b = base.data();
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] + l * tau[i];
        }
        return new FloatTensor(base.shape().clone(), out);
    }

    /** The final weight set in base order: merged tensors from {@code merged}, every other tensor copied from the base. */
    public static WeightSet withBaseForExcluded(WeightSet base, WeightSet merged) {
        WeightSet out = new WeightSet();
        for (String name : base.names()) {
            out.put(name, merged.contains(name) ? merged.get(name) : base.get(name).copy());
        }
        return out;
    }

    private static WeightSet of(WeightSet base, WeightSet expert, List<String> names) {
        WeightSet tau = new WeightSet();
        for (String name : names) {
            float[] b = base.get(name).data();
            float[] e = expert.get(name).data();
            float[] d = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                d[i] = e[i] - b[i]; // τ = θt − θ0
            }
            tau.put(name, new FloatTensor(base.get(name).shape().clone(), d));
        }
        return tau;
    }

    private static void checkAligned(WeightSet base, WeightSet expert, String label, List<String> names) {
        for (String name : names) {
            if (!expert.contains(name)) {
                throw new IllegalArgumentException(label + " lacks tensor '" + name + "' that the base has");
            }
            FloatTensor b = base.get(name);
            FloatTensor e = expert.get(name);
            if (!b.sameShape(e)) {
                throw new IllegalArgumentException(label + " tensor '" + name + "' has shape " + e.shapeString()
                        + " but the base has " + b.shapeString());
            }
            int bad = e.indexOfNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException(label + " tensor '" + name + "' holds a non-finite value ("
                        + e.data()[bad] + ") at flat index " + bad);
            }
        }
    }

    /** Expert tensors the base lacks are an error unless excluded ({@code opts} null: nothing is excluded). */
    private static void checkExtra(WeightSet base, WeightSet expert, String label, MergeOptions opts) {
        for (String name : expert.names()) {
            if (!base.contains(name) && (opts == null || !opts.isExcluded(name))) {
                throw new IllegalArgumentException(label + " has tensor '" + name + "' that the base lacks");
            }
        }
    }

    private static void checkFinite(WeightSet set, String label, List<String> names) {
        for (String name : names) {
            FloatTensor t = set.get(name);
            int bad = t.indexOfNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException(label + " tensor '" + name + "' holds a non-finite value ("
                        + t.data()[bad] + ") at flat index " + bad);
            }
        }
    }
}
