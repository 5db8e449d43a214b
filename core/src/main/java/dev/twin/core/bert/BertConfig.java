package dev.twin.core.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.core.model.ArchitectureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sizes of a BERT encoder as Hugging Face's {@code config.json} names them (hidden_size, num_hidden_layers, …).
 * Only {@code hidden_act = "gelu"} (exact erf GELU) and layer_norm_eps a power of ten are supported, because the
 * architecture spec stores the epsilon as its decimal exponent.
 */
public record BertConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
                         int vocabSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                         String hiddenAct, String modelType) {
    public static final String FILE = "config.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public BertConfig {
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("bert config: hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps)) {
            throw new IllegalArgumentException("bert config: layer_norm_eps must be positive, got " + layerNormEps);
        }
        epsExponent(layerNormEps);
        if (!"gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("bert config: hidden_act '" + hiddenAct
                    + "' is not supported (only \"gelu\", the exact erf form)");
        }
        if (modelType == null || modelType.isBlank()) {
            throw new IllegalArgumentException("bert config: model_type is missing");
        }
    }

    /** A "bert" config with gelu activation. */
    public static BertConfig of(int hidden, int layers, int heads, int intermediate, int vocab, int maxPositions,
                                int typeVocab, double eps) {
        return new BertConfig(hidden, layers, heads, intermediate, vocab, maxPositions, typeVocab, eps, "gelu", "bert");
    }

    /** Size of one attention head: hidden_size / num_attention_heads. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** The architecture spec of a "bert" model over sequences of {@code maxLength} tokens (see {@link
     *  dev.twin.core.model.Bert} for the layout of {@code hidden}). */
    public ArchitectureSpec toSpec(int maxLength) {
        if (maxLength < 1 || maxLength > maxPositionEmbeddings) {
            throw new IllegalArgumentException("bert: sequence length " + maxLength + " must be in [1, "
                    + maxPositionEmbeddings + "] (max_position_embeddings)");
        }
        return new ArchitectureSpec("bert", List.of(2, maxLength), List.of(hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, vocabSize, maxPositionEmbeddings, typeVocabSize,
                epsExponent(layerNormEps)));
    }

    /** The config encoded in a "bert" spec's hidden list (inverse of {@link #toSpec}). */
    public static BertConfig fromSpec(ArchitectureSpec spec) {
        List<Integer> h = spec.hidden();
        if (h == null || h.size() != 8 || h.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("bert: hidden must be [hidden_size, num_hidden_layers, "
                    + "num_attention_heads, intermediate_size, vocab_size, max_position_embeddings, type_vocab_size, "
                    + "-log10(layer_norm_eps)], got " + h);
        }
        return of(h.get(0), h.get(1), h.get(2), h.get(3), h.get(4), h.get(5), h.get(6), Math.pow(10, -h.get(7)));
    }

    /** k such that eps = 10^-k; other epsilons are rejected (the spec stores integers only). */
    static int epsExponent(double eps) {
        long k = Math.round(-Math.log10(eps));
        if (Math.abs(Math.pow(10, -k) - eps) > 1e-6 * eps) {
            throw new IllegalArgumentException("bert config: layer_norm_eps " + eps + " is not a power of ten");
        }
        return (int) k;
    }

    /** Reads {@code dir/config.json}; missing or non-numeric keys fail naming the key and the file. */
    public static BertConfig read(Path dir) {
        Path file = Files.isDirectory(dir) ? dir.resolve(FILE) : dir;
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read a BERT config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a JSON object");
        }
        try {
            return new BertConfig(intKey(root, "hidden_size"), intKey(root, "num_hidden_layers"),
                    intKey(root, "num_attention_heads"), intKey(root, "intermediate_size"),
                    intKey(root, "vocab_size"), intKey(root, "max_position_embeddings"),
                    intKey(root, "type_vocab_size"),
                    root.has("layer_norm_eps") ? number(root, "layer_norm_eps") : 1e-12,
                    root.path("hidden_act").asText("gelu"), root.path("model_type").asText("bert"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code dir/config.json} with Hugging Face's key names. */
    public void write(Path dir) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putArray("architectures").add("BertModel");
        root.put("model_type", modelType);
        root.put("hidden_size", hiddenSize);
        root.put("num_hidden_layers", numHiddenLayers);
        root.put("num_attention_heads", numAttentionHeads);
        root.put("intermediate_size", intermediateSize);
        root.put("vocab_size", vocabSize);
        root.put("max_position_embeddings", maxPositionEmbeddings);
        root.put("type_vocab_size", typeVocabSize);
        root.put("layer_norm_eps", layerNormEps);
        root.put("hidden_act", hiddenAct);
        root.put("pad_token_id", 0);
        root.put("torch_dtype", "float32");
        try {
            Files.createDirectories(dir);
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), root);
        } catch (IOException e) {
            throw new IllegalArgumentException(dir.resolve(FILE) + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static int intKey(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("key '" + key + "' is " + (n == null ? "missing" : "not an integer: " + n));
        }
        return n.intValue();
    }

    private static double number(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (!n.isNumber()) {
            throw new IllegalArgumentException("key '" + key + "' is not a number: " + n);
        }
        return n.doubleValue();
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("bert config: " + key + " must be positive, got " + v);
        }
    }
}
