package dev.twin.core.bert;

import dev.twin.core.model.Bert;
import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A BERT encoder as a Hugging Face model directory: {@code config.json} + {@code model.safetensors} (or a sharded
 * checkpoint) with BertModel parameter names, and its conversion to the project's trunk names ({@code trunk.} +
 * the HF name).
 */
public final class BertCheckpoint {
    /** Prefix BertFor* task models put before the encoder's names. */
    private static final String HF_MODEL_PREFIX = "bert.";

    private BertCheckpoint() {
    }

    /** Writes {@code config} and {@code weights} (HF names) to {@code dir} as float32. */
    public static void write(Path dir, BertConfig config, WeightSet weights) {
        requireLayout(dir, config, weights);
        config.write(dir);
        SafetensorsWriter.write(dir.resolve(Checkpoints.SINGLE_FILE), weights, DType.F32);
    }

    /** The config of the model directory {@code dir}. */
    public static BertConfig config(Path dir) {
        return BertConfig.read(dir);
    }

    /**
     * The encoder parameters of {@code dir} under HF BertModel names (a "bert." prefix is dropped; the pooler and
     * task heads are ignored), checked against its config.
     */
    public static WeightSet weights(Path dir) {
        BertConfig config = BertConfig.read(dir);
        Map<String, int[]> layout = BertLayout.shapes(config);
        WeightSet out = new WeightSet();
        try (TensorSource src = Checkpoints.open(dir)) {
            for (String name : layout.keySet()) {
                String stored = src.names().contains(name) ? name : HF_MODEL_PREFIX + name;
                if (!src.names().contains(stored)) {
                    throw new IllegalArgumentException(dir + ": checkpoint has no tensor '" + name + "' (nor '"
                            + stored + "')");
                }
                out.put(name, src.load(stored));
            }
        }
        requireLayout(dir, config, out);
        return out;
    }

    /** The trunk of architecture "bert" from a model directory: {@code trunk.<HF name>} for every encoder tensor. */
    public static WeightSet trunk(Path dir) {
        return toTrunk(weights(dir));
    }

    /** HF names → trunk names ({@code trunk.} prefix), same order. */
    public static WeightSet toTrunk(WeightSet hf) {
        WeightSet out = new WeightSet();
        hf.asMap().forEach((name, t) -> out.put(Bert.PREFIX + name, t));
        return out;
    }

    private static void requireLayout(Path dir, BertConfig config, WeightSet weights) {
        Map<String, int[]> layout = BertLayout.shapes(config);
        for (Map.Entry<String, int[]> e : layout.entrySet()) {
            if (!weights.contains(e.getKey())) {
                throw new IllegalArgumentException(dir + ": BERT weights lack '" + e.getKey() + "'");
            }
            int[] actual = weights.get(e.getKey()).shape();
            if (!Arrays.equals(actual, e.getValue())) {
                throw new IllegalArgumentException(dir + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(actual) + " but config.json implies " + Arrays.toString(e.getValue()));
            }
        }
    }
}
