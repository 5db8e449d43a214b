package dev.twin.core.hf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.TensorInfo;
import dev.twin.core.tensor.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sizes of a BERT-family encoder, as a Hugging Face model directory's {@code config.json} gives them (accessors
 * are the JSON keys in camelCase). {@code type_vocab_size}, {@code layer_norm_eps} and {@code hidden_act} may be
 * absent and then take the defaults of transformers' {@code BertConfig} (2, 1e-12, "gelu"); every other key is
 * required. Other keys of the file (architectures, pad_token_id, ...) are ignored.
 *
 * @param modelType             "bert", "roberta", ... (informative; the architecture decides what it accepts)
 * @param hiddenSize            H, the width of every token vector
 * @param numHiddenLayers       N, the number of encoder layers {@code encoder.layer.0 .. N-1}
 * @param numAttentionHeads     heads per layer; must divide H
 * @param intermediateSize      the feed-forward width
 * @param vocabSize             rows of the word embeddings
 * @param maxPositionEmbeddings rows of the position embeddings
 * @param typeVocabSize         rows of the token type embeddings
 * @param layerNormEps          ε of every layer norm
 * @param hiddenAct             the feed-forward activation ("gelu", "relu", ...)
 */
public record HfConfig(String modelType, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                       int intermediateSize, int vocabSize, int maxPositionEmbeddings, int typeVocabSize,
                       double layerNormEps, String hiddenAct) {
    /** File name inside a model directory. */
    public static final String FILE = "config.json";

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)encoder\\.layer\\.(\\d+)\\.");

    /** @throws IllegalArgumentException naming the inconsistent value */
    public HfConfig {
        if (modelType == null || modelType.isBlank()) {
            throw new IllegalArgumentException("model_type must be a non-empty string");
        }
        if (hiddenAct == null || hiddenAct.isBlank()) {
            throw new IllegalArgumentException("hidden_act must be a non-empty string");
        }
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be a positive finite number, got "
                    + layerNormEps);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
    }

    /** H / heads: the width of one attention head. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * Reads {@code modelDir/config.json} ({@code modelDir} may also be the config file itself).
     *
     * @throws CheckpointException naming the file and the missing, mistyped or inconsistent key
     */
    public static HfConfig read(Path modelDir) {
        Path file = Files.isDirectory(modelDir) ? modelDir.resolve(FILE) : modelDir;
        JsonFields f = JsonFields.read(file, "a Hugging Face model directory holds " + FILE
                + " next to model.safetensors or model.safetensors.index.json");
        String need = "required in a BERT-family " + FILE;
        try {
            return new HfConfig(f.requiredString("model_type", need), f.requiredInt("hidden_size", need),
                    f.requiredInt("num_hidden_layers", need), f.requiredInt("num_attention_heads", need),
                    f.requiredInt("intermediate_size", need), f.requiredInt("vocab_size", need),
                    f.requiredInt("max_position_embeddings", need), f.optionalInt("type_vocab_size", 2),
                    f.optionalDouble("layer_norm_eps", 1e-12), f.optionalString("hidden_act", "gelu"));
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
    }

    /** Writes {@code modelDir/config.json} with every key of this record (snake_case, as transformers names them). */
    public void write(Path modelDir) {
        ObjectNode o = JsonFields.MAPPER.createObjectNode();
        o.put("model_type", modelType);
        o.put("hidden_size", hiddenSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("intermediate_size", intermediateSize);
        o.put("vocab_size", vocabSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("type_vocab_size", typeVocabSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("hidden_act", hiddenAct);
        JsonFields.write(modelDir.resolve(FILE), o);
    }

    /**
     * Checks a checkpoint against this config (headers only): its layers {@code encoder.layer.i.*} (with or without a
     * model prefix such as {@code bert.}) are exactly 0 .. N−1, and the embedding, attention and feed-forward weights
     * it has are shaped as the sizes say.
     *
     * @throws CheckpointException naming the checkpoint, the tensor or layer, and the config value it contradicts
     */
    public void requireMatches(TensorSource checkpoint) {
        TreeSet<Integer> layers = new TreeSet<>();
        for (String n : checkpoint.names()) {
            Matcher m = LAYER.matcher(n);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < numHiddenLayers; i++) {
            if (!layers.contains(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(checkpoint.path(), FILE + " says num_hidden_layers=" + numHiddenLayers
                    + " but the checkpoint has no tensors encoder.layer." + missing.get(0) + ".* (layers missing: "
                    + missing + "; present: " + layers + ")");
        }
        if (layers.last() >= numHiddenLayers) {
            throw new CheckpointException(checkpoint.path(), FILE + " says num_hidden_layers=" + numHiddenLayers
                    + " but the checkpoint has tensors encoder.layer." + layers.last() + ".*");
        }
        int h = hiddenSize;
        for (String n : checkpoint.names()) {
            long[] want = expectedShape(n, h);
            if (want != null) {
                TensorInfo info = checkpoint.info(n);
                if (!Arrays.equals(want, info.shape())) {
                    throw new CheckpointException(checkpoint.path(), "tensor '" + n + "' has shape "
                            + info.shapeString() + " but " + FILE + " implies " + Arrays.toString(want) + " ("
                            + this + ")");
                }
            }
        }
    }

    /** The shape the config implies for a known BERT parameter name, null for names it says nothing about. */
    private long[] expectedShape(String n, long h) {
        if (n.endsWith("embeddings.word_embeddings.weight")) {
            return new long[]{vocabSize, h};
        }
        if (n.endsWith("embeddings.position_embeddings.weight")) {
            return new long[]{maxPositionEmbeddings, h};
        }
        if (n.endsWith("embeddings.token_type_embeddings.weight")) {
            return new long[]{typeVocabSize, h};
        }
        if (!LAYER.matcher(n).find()) {
            return null;
        }
        if (n.endsWith(".attention.self.query.weight") || n.endsWith(".attention.self.key.weight")
                || n.endsWith(".attention.self.value.weight") || n.endsWith(".attention.output.dense.weight")) {
            return new long[]{h, h};
        }
        if (n.endsWith(".intermediate.dense.weight")) {
            return new long[]{intermediateSize, h};
        }
        if (n.endsWith(".output.dense.weight")) {
            return new long[]{h, intermediateSize};
        }
        return null;
    }
}
