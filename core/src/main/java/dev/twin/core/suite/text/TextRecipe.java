package dev.twin.core.suite.text;

import dev.twin.core.hf.LoraConfig;
import dev.twin.core.train.AdamWConfig;
import java.util.List;

/**
 * How text experts are trained from the pretrained encoder (LP-FT): first a linear probe (the head fitted on the
 * frozen encoder's features by full-batch Adam, {@code probeLr} for {@code probeSteps} steps), then fine-tuning with
 * AdamW ({@code fineTune}): all encoder tensors but the frozen word embeddings plus the head for full experts, or
 * only LoRA factors (rank {@code loraRank}, α {@code loraAlpha} on {@code loraTargets}) plus the head for LoRA
 * experts, with {@code loraTune}.
 */
public record TextRecipe(double probeLr, int probeSteps, AdamWConfig fineTune, boolean freezeWordEmbeddings,
                         AdamWConfig loraTune, int loraRank, double loraAlpha, List<String> loraTargets) {

    /** The word embedding table, frozen in full fine-tunes when {@link #freezeWordEmbeddings}. */
    public static final String WORD_EMBEDDINGS = "trunk.embeddings.word_embeddings.weight";

    public TextRecipe {
        loraTargets = List.copyOf(loraTargets);
    }

    /** The PEFT config of the LoRA experts (base recorded as {@code base}). */
    public LoraConfig loraConfig(String base) {
        return LoraConfig.of(loraRank, loraAlpha, loraTargets, base);
    }
}
