package dev.twin.core.bert;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face parameter names and shapes of a BERT encoder (no pooler), in the order BertModel lists them.
 * Linear weights are [out, in] as in PyTorch.
 */
public final class BertLayout {
    /** The per-layer Linear modules (each has .weight [out, in] and .bias [out]). */
    public static final String QUERY = "attention.self.query";
    public static final String KEY = "attention.self.key";
    public static final String VALUE = "attention.self.value";
    public static final String ATTENTION_OUT = "attention.output.dense";
    public static final String ATTENTION_NORM = "attention.output.LayerNorm";
    public static final String INTERMEDIATE = "intermediate.dense";
    public static final String OUTPUT = "output.dense";
    public static final String OUTPUT_NORM = "output.LayerNorm";

    private BertLayout() {
    }

    /** Prefix of layer {@code i}'s parameters: "encoder.layer.i.". */
    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /** Every parameter name and shape of the encoder described by {@code c}. */
    public static Map<String, int[]> shapes(BertConfig c) {
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("embeddings.word_embeddings.weight", new int[] {c.vocabSize(), h});
        s.put("embeddings.position_embeddings.weight", new int[] {c.maxPositionEmbeddings(), h});
        s.put("embeddings.token_type_embeddings.weight", new int[] {c.typeVocabSize(), h});
        s.put("embeddings.LayerNorm.weight", new int[] {h});
        s.put("embeddings.LayerNorm.bias", new int[] {h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            linear(s, p + QUERY, h, h);
            linear(s, p + KEY, h, h);
            linear(s, p + VALUE, h, h);
            linear(s, p + ATTENTION_OUT, h, h);
            norm(s, p + ATTENTION_NORM, h);
            linear(s, p + INTERMEDIATE, ff, h);
            linear(s, p + OUTPUT, h, ff);
            norm(s, p + OUTPUT_NORM, h);
        }
        return Collections.unmodifiableMap(s);
    }

    private static void linear(Map<String, int[]> s, String module, int out, int in) {
        s.put(module + ".weight", new int[] {out, in});
        s.put(module + ".bias", new int[] {out});
    }

    private static void norm(Map<String, int[]> s, String module, int h) {
        s.put(module + ".weight", new int[] {h});
        s.put(module + ".bias", new int[] {h});
    }
}
