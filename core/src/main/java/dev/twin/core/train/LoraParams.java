package dev.twin.core.train;

import ai.djl.ndarray.NDArray;
import dev.twin.core.hf.LoraAdapter;
import dev.twin.core.hf.LoraConfig;
import dev.twin.core.hf.LoraFactors;
import dev.twin.core.model.Params;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA as a reparametrization for training: for every targeted linear weight {@code trunk.<module>.weight} [out, in]
 * the model runs with W + s·B·A (s = the config's scale), A [r, in] and B [out, r] being the only trained tensors
 * of the module. Initialized as PEFT does: A ~ U(−1/√in, 1/√in) (kaiming-uniform with a = √5), B = 0, so training
 * starts exactly at the base. The trained factors become a PEFT adapter ({@link #adapter}) whose module paths are
 * the Hugging Face names (the trunk name without {@value #TRUNK}).
 */
public final class LoraParams {
    public static final String TRUNK = "trunk.";
    /** Names of the factor tensors in a parameter map: {@code lora.<module>.A} / {@code lora.<module>.B}. */
    public static final String PREFIX = "lora.";

    private final LoraConfig config;
    private final List<String> modules;

    private LoraParams(LoraConfig config, List<String> modules) {
        this.config = config;
        this.modules = List.copyOf(modules);
    }

    /**
     * The targeted modules of a trunk: every rank-2 {@code trunk.<module>.weight} whose module path the config
     * targets (embeddings are never targeted here: PEFT treats them as a different kind of layer).
     */
    public static LoraParams of(LoraConfig config, Map<String, int[]> trunkShapes) {
        List<String> modules = new java.util.ArrayList<>();
        trunkShapes.forEach((name, shape) -> {
            if (name.startsWith(TRUNK) && name.endsWith(".weight") && shape.length == 2
                    && !name.contains("embeddings")) {
                String module = name.substring(TRUNK.length(), name.length() - ".weight".length());
                if (config.targets(module)) {
                    modules.add(module);
                }
            }
        });
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules " + config.targetsString()
                    + " select no linear weight of the trunk");
        }
        return new LoraParams(config, modules);
    }

    public LoraConfig config() {
        return config;
    }

    /** Targeted module paths (Hugging Face names without ".weight"), in trunk order. */
    public List<String> modules() {
        return modules;
    }

    /** Fresh factors for the modules, seeded: A uniform in ±1/√in, B zero. */
    public WeightSet init(Map<String, int[]> trunkShapes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        WeightSet w = new WeightSet();
        int r = config.r();
        for (String m : modules) {
            int[] shape = trunkShapes.get(TRUNK + m + ".weight");
            int out = shape[0];
            int in = shape[1];
            float[] a = new float[r * in];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
            w.put(PREFIX + m + ".A", new FloatTensor(new int[] {r, in}, a));
            w.put(PREFIX + m + ".B", FloatTensor.zeros(new int[] {out, r}));
        }
        return w;
    }

    /** The weights the model runs with: params, each targeted W replaced by W + s·B·A (differentiable). */
    public Map<String, NDArray> view(Map<String, NDArray> params) {
        Map<String, NDArray> out = new HashMap<>(params);
        float s = (float) config.scale();
        for (String m : modules) {
            String w = TRUNK + m + ".weight";
            NDArray a = require(params, PREFIX + m + ".A");
            NDArray b = require(params, PREFIX + m + ".B");
            out.put(w, require(params, w).add(b.matMul(a).mul(s))); // W + s·B·A
        }
        return out;
    }

    /** The factors of params (after training) as a PEFT adapter. */
    public LoraAdapter adapter(Map<String, NDArray> params) {
        Map<String, NDArray> factors = new LinkedHashMap<>();
        for (String m : modules) {
            factors.put(PREFIX + m + ".A", require(params, PREFIX + m + ".A"));
            factors.put(PREFIX + m + ".B", require(params, PREFIX + m + ".B"));
        }
        WeightSet w = Params.fromNd(factors);
        Map<String, LoraFactors> out = new LinkedHashMap<>();
        for (String m : modules) {
            out.put(m, LoraFactors.linear(w.get(PREFIX + m + ".A"), w.get(PREFIX + m + ".B")));
        }
        return new LoraAdapter(config, out);
    }

    private static NDArray require(Map<String, NDArray> params, String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("LoRA: parameter '" + name + "' is missing");
        }
        return a;
    }
}
