package dev.twin.core.bert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.twin.core.runtime.DjlRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tokenization of texts for a "bert" model with DJL's Hugging Face tokenizer over a local {@code tokenizer.json}
 * (nothing is downloaded: DJL runs offline and the native library comes from the tokenizers jar). Every text becomes
 * exactly L tokens: [CLS] … [SEP], truncated or padded with [PAD] (id 0, mask 0).
 */
public final class BertTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private BertTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** A tokenizer from {@code tokenizerJson} producing sequences of exactly {@code maxLength} tokens. */
    public static BertTokenizer open(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("tokenizer: max length must be at least 2 ([CLS] and [SEP]), got "
                    + maxLength);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException(tokenizerJson + ": tokenizer.json does not exist");
        }
        DjlRuntime.configure();
        Map<String, String> options = Map.of("padding", "max_length", "truncation", "true",
                "maxLength", String.valueOf(maxLength), "addSpecialTokens", "true");
        try {
            return new BertTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), maxLength);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(tokenizerJson + ": cannot load the tokenizer: " + e.getMessage(), e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Ids and masks of {@code texts}, each exactly {@link #maxLength()} long. */
    public TokenBatch encode(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("tokenizer: text " + i + " is null");
            }
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        long[][] ids = new long[enc.length][];
        long[][] mask = new long[enc.length][];
        for (int b = 0; b < enc.length; b++) {
            ids[b] = enc[b].getIds();
            mask[b] = enc[b].getAttentionMask();
            if (ids[b].length != maxLength || mask[b].length != maxLength) {
                throw new IllegalStateException("tokenizer returned " + ids[b].length + " tokens for text " + b
                        + ", expected " + maxLength + " (padding / truncation settings not applied)");
            }
        }
        return new TokenBatch(ids, mask);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
