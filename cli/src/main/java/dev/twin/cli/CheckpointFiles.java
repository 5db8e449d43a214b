package dev.twin.cli;

import dev.twin.core.hf.ExpertSources;
import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.ShardedWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the base and experts named on the command line, checked against each other, and writes results. */
final class CheckpointFiles {
    static final long SHARD_BYTES = 2L << 30;

    private CheckpointFiles() {
    }

    /** Loaded inputs and the storage dtype of the base (outputs keep it unless asked). */
    record Inputs(WeightSet base, Map<String, WeightSet> experts, DType dtype) {
        List<WeightSet> expertList() {
            return List.copyOf(experts.values());
        }
    }

    /**
     * Opens every checkpoint, checks that names and shapes agree (outside {@code keepApart}), loads them. An expert
     * may be a PEFT LoRA adapter directory: it loads as base + ΔW ({@link ExpertSources#open}).
     */
    static Inputs load(Path basePath, Map<String, Path> expertPaths, java.util.function.Predicate<String> mergedName) {
        try (TensorSource base = Checkpoints.open(basePath)) {
            Map<String, WeightSet> experts = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : expertPaths.entrySet()) {
                try (TensorSource ex = ExpertSources.open(basePath, e.getValue())) {
                    Checkpoints.requireSameLayout(base, e.getKey(), ex, mergedName);
                    experts.put(e.getKey(), ex.loadAll());
                }
            }
            return new Inputs(base.loadAll(), experts, storageType(base));
        }
    }

    private static DType storageType(TensorSource src) {
        for (String n : src.names()) {
            DType d = src.info(n).dtype();
            if (d == DType.F32 || d == DType.F16 || d == DType.BF16) {
                return d;
            }
        }
        return DType.F32;
    }

    /** A path ending in .safetensors gets one file; anything else a sharded checkpoint directory. */
    static void write(Path out, WeightSet ws, DType dtype) {
        if (out.getFileName().toString().endsWith(".safetensors")) {
            SafetensorsWriter.write(out, ws, dtype);
        } else {
            ShardedWriter.write(out, ws, dtype, SHARD_BYTES);
        }
    }
}
