package dev.twin.core.modularize;

import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Compressor;
import dev.twin.core.compress.Compressors;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.runtime.Progress;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ProgressBar;

/**
 * Knowledge modularization (TWIN-MERGING.md, stage 1): θ* = static merge of the experts; vt = θt − θ*; v̂t =
 * compress(vt) tensor by tensor. Excluded tensors (heads) are never merged: each task keeps its own.
 */
public final class Modularizer {
    private Modularizer() {
    }

    /**
     * @param base    θ0; its excluded tensors are copied into the shared expert (as a static merge does)
     * @param experts task name → θt; non-excluded tensors must match the base in names and shapes
     */
    public static Modularized run(WeightSet base, Map<String, WeightSet> experts, ModularizeConfig cfg) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("modularize needs at least one expert");
        }
        MergeOptions opts = cfg.mergeOptions();
        List<String> tasks = List.copyOf(experts.keySet());
        WeightSet baseMerged = base.filter(n -> !excluded(n, opts.exclude()));
        List<WeightSet> expertMerged = new ArrayList<>();
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        for (String task : tasks) {
            WeightSet e = experts.get(task);
            expertMerged.add(e.filter(n -> !excluded(n, opts.exclude())));
            heads.put(task, e.filter(n -> excluded(n, opts.exclude())));
        }
        // merge only the shared part; the excluded tensors differ per task by design
        WeightSet sharedMerged = MergeMethods.byName(cfg.sharedMethod())
                .merge(baseMerged, expertMerged, opts.withExclude(List.of()));

        Compressor compressor = Compressors.byName(cfg.compressMethod());
        Map<String, Map<String, CompressedTensor>> exclusive = new LinkedHashMap<>();
        try (ProgressBar bar = Progress.bar("compress " + cfg.compressMethod(),
                (long) tasks.size() * sharedMerged.size(), " tensors")) {
            for (int t = 0; t < tasks.size(); t++) {
                Map<String, CompressedTensor> parts = new LinkedHashMap<>();
                WeightSet expert = expertMerged.get(t);
                for (String name : sharedMerged.names()) { // per task and tensor: bernoulli masks differ between experts
                    FloatTensor star = sharedMerged.get(name);
                    FloatTensor v = subtract(expert.get(name), star); // vt = θt − θ*
                    parts.put(name, compressor.compress(v, cfg.compressOptions().forTensor(tasks.get(t) + "/" + name)));
                    bar.step();
                }
                exclusive.put(tasks.get(t), parts);
            }
        }
        WeightSet shared = new WeightSet();
        for (String name : base.names()) {
            shared.put(name, sharedMerged.contains(name) ? sharedMerged.get(name) : base.get(name));
        }
        return new Modularized(tasks, shared, exclusive, heads);
    }

    static boolean excluded(String name, List<Pattern> exclude) {
        for (Pattern p : exclude) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static FloatTensor subtract(FloatTensor a, FloatTensor b) {
        float[] out = new float[a.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.data()[i] - b.data()[i];
        }
        return new FloatTensor(a.shape().clone(), out);
    }
}
