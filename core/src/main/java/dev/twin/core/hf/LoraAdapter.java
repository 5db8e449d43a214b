package dev.twin.core.hf;

import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PEFT LoRA adapter: {@code adapter_config.json} + {@code adapter_model.safetensors}. In the file a module's
 * factors are {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code ...lora_B.weight} [out, r]
 * ({@code lora_embedding_A} / {@code lora_embedding_B} for embeddings), and a parameter of a modules_to_save module is
 * {@code base_model.model.<module>.<param>}. In this record both are keyed without the {@code base_model.model.}
 * prefix. The expert it defines is base + ΔW with ΔW = scale · B·A on each {@code <module>.weight}, the saved
 * tensors replacing the base's, everything else unchanged; see {@link LoraExpert} and {@link BaseNames} for how
 * names meet the base.
 *
 * @param config  the adapter_config.json
 * @param modules module path → factors, in file order
 * @param saved   modules_to_save parameters by name (no prefix)
 */
public record LoraAdapter(LoraConfig config, Map<String, LoraFactors> modules, WeightSet saved) {
    /** The weights file inside an adapter directory. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The prefix PEFT puts before every tensor name. */
    public static final String PREFIX = "base_model.model.";

    private static final String A = ".lora_A.weight";
    private static final String B = ".lora_B.weight";
    private static final String EMB_A = ".lora_embedding_A";
    private static final String EMB_B = ".lora_embedding_B";

    /** @throws IllegalArgumentException naming the module or tensor that the config does not account for */
    public LoraAdapter {
        modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
        saved = saved == null ? new WeightSet() : saved;
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("the adapter has no LoRA modules (no lora_A/lora_B tensors)");
        }
        for (Map.Entry<String, LoraFactors> e : modules.entrySet()) {
            String m = e.getKey();
            if (m.isEmpty() || m.contains("lora_")) {
                throw new IllegalArgumentException("invalid module path '" + m + "'");
            }
            if (!config.targets(m)) {
                throw new IllegalArgumentException("module '" + m + "' has LoRA factors but target_modules "
                        + config.targetsString() + " does not select it");
            }
            if (e.getValue().rank() != config.r()) {
                throw new IllegalArgumentException("module '" + m + "' has factors of rank " + e.getValue().rank()
                        + " (lora_A " + e.getValue().a().shapeString() + ", lora_B " + e.getValue().b().shapeString()
                        + ") but r = " + config.r());
            }
        }
        for (String n : saved.names()) {
            if (!config.saves(n)) {
                throw new IllegalArgumentException("tensor '" + n + "' is not a parameter of modules_to_save "
                        + config.modulesToSave());
            }
        }
    }

    /** An adapter without modules_to_save tensors. */
    public LoraAdapter(LoraConfig config, Map<String, LoraFactors> modules) {
        this(config, modules, new WeightSet());
    }

    /** Whether {@code p} is an adapter directory (holds adapter_config.json). */
    public static boolean isAdapterDir(Path p) {
        return Files.isDirectory(p) && Files.isRegularFile(p.resolve(LoraConfig.FILE));
    }

    /**
     * Reads an adapter directory; every tensor must be a lora_A/lora_B factor with its partner or a parameter of
     * modules_to_save.
     *
     * @throws CheckpointException naming the file and the tensor or key at fault
     */
    public static LoraAdapter read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir, "not a directory (a PEFT LoRA adapter is a directory holding "
                    + LoraConfig.FILE + " and " + WEIGHTS_FILE + ")");
        }
        LoraConfig config = LoraConfig.read(dir);
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            boolean bin = Files.isRegularFile(dir.resolve("adapter_model.bin"));
            throw new CheckpointException(dir, "no " + WEIGHTS_FILE + " in the adapter directory" + (bin
                    ? " (adapter_model.bin, a PyTorch pickle, is not read: save the adapter with safetensors)" : ""));
        }
        Map<String, FloatTensor> as = new LinkedHashMap<>();
        Map<String, FloatTensor> bs = new LinkedHashMap<>();
        Set<String> embedding = new LinkedHashSet<>();
        Set<String> order = new LinkedHashSet<>();
        WeightSet saved = new WeightSet();
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            for (String name : f.names()) {
                if (!name.startsWith(PREFIX)) {
                    throw new CheckpointException(weights, "unknown tensor '" + name + "': PEFT adapter tensor names"
                            + " start with '" + PREFIX + "'");
                }
                String rest = name.substring(PREFIX.length());
                String suffix = factorSuffix(rest);
                if (suffix != null) {
                    String module = rest.substring(0, rest.length() - suffix.length());
                    boolean isA = suffix.equals(A) || suffix.equals(EMB_A);
                    if (suffix.equals(EMB_A) || suffix.equals(EMB_B)) {
                        embedding.add(module);
                    }
                    Map<String, FloatTensor> side = isA ? as : bs;
                    if (side.containsKey(module)) {
                        throw new CheckpointException(weights, "module '" + module + "' has two "
                                + (isA ? "lora_A" : "lora_B") + " tensors (linear and embedding forms)");
                    }
                    order.add(module);
                    side.put(module, f.load(name));
                } else if (rest.contains("lora_")) {
                    throw new CheckpointException(weights, "unknown tensor '" + name + "': LoRA factors are named "
                            + "<module>" + A + " / <module>" + B + " (or " + EMB_A + " / " + EMB_B + ")");
                } else if (config.saves(rest)) {
                    saved.put(rest, f.load(name));
                } else {
                    throw new CheckpointException(weights, "unknown tensor '" + name + "': neither a lora_A/lora_B "
                            + "factor nor a parameter of modules_to_save " + config.modulesToSave());
                }
            }
        }
        Map<String, LoraFactors> modules = new LinkedHashMap<>();
        for (String m : order) {
            boolean emb = embedding.contains(m);
            if (!as.containsKey(m) || !bs.containsKey(m)) {
                String has = as.containsKey(m) ? "lora_A" : "lora_B";
                String lacks = as.containsKey(m) ? (emb ? EMB_B : B) : (emb ? EMB_A : A);
                throw new CheckpointException(weights, "module '" + m + "' has " + has + " but no partner '" + PREFIX
                        + m + lacks + "'");
            }
            try {
                modules.put(m, new LoraFactors(as.get(m), bs.get(m), emb));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(weights, "module '" + m + "': " + e.getMessage());
            }
        }
        try {
            return new LoraAdapter(config, modules, saved);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir, e.getMessage() + " (" + LoraConfig.FILE + ")");
        }
    }

    private static String factorSuffix(String rest) {
        for (String s : List.of(A, B, EMB_A, EMB_B)) {
            if (rest.endsWith(s) && rest.length() > s.length()) {
                return s;
            }
        }
        return null;
    }

    /**
     * Writes the adapter in PEFT's format (F32 tensors with PEFT names, safetensors metadata format=pt), so PEFT and
     * other tools can load it; the directory is created if needed.
     */
    public void write(Path dir) {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        modules.forEach((m, f) -> {
            w.add(PREFIX + m + (f.embedding() ? EMB_A : A), f.a(), DType.F32);
            w.add(PREFIX + m + (f.embedding() ? EMB_B : B), f.b(), DType.F32);
        });
        saved.asMap().forEach((n, t) -> w.add(PREFIX + n, t, DType.F32));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot create the adapter directory: " + e, e);
        }
        w.write(dir.resolve(WEIGHTS_FILE));
        config.write(dir);
    }

    /** ΔW = scale · B·A for every module, keyed by the base tensor it changes (checked against {@code base}). */
    public WeightSet deltas(TensorSource base) {
        LoraExpert e = LoraExpert.bind(base, this, null, false);
        WeightSet out = new WeightSet();
        e.targets().forEach((name, f) -> out.put(name, f.delta(config.scale(), config.fanInFanOut())));
        return out;
    }

    /** The full expert: every tensor of {@code base}, with ΔW added and the saved tensors in place. */
    public WeightSet apply(TensorSource base) {
        return LoraExpert.bind(base, this, null, false).loadAll();
    }
}
