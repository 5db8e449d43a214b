package dev.twin.core.hf;

import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.TensorSource;

import java.nio.file.Path;

/** Opening an expert given on a command line: a full checkpoint, or a PEFT LoRA adapter over the base. */
public final class ExpertSources {
    private ExpertSources() {
    }

    /**
     * Opens {@code expertPath} as a full expert. A directory holding {@code adapter_config.json} is a LoRA adapter:
     * the result is a {@link LoraExpert} over its own handle on {@code basePath} (base + ΔW, closed with it).
     * Anything else is opened by {@link Checkpoints#open} (a .safetensors file, or a Hugging Face model directory
     * with model.safetensors or a sharded index).
     */
    public static TensorSource open(Path basePath, Path expertPath) {
        if (!LoraAdapter.isAdapterDir(expertPath)) {
            return Checkpoints.open(expertPath);
        }
        LoraAdapter adapter = LoraAdapter.read(expertPath);
        TensorSource base = Checkpoints.open(basePath);
        try {
            return LoraExpert.bind(base, adapter, expertPath, true);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }
}
