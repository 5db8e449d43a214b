package dev.twin.core.suite.text;

import dev.twin.core.hf.LoraConfig;
import dev.twin.core.train.AdamWConfig;
import java.util.List;

/**
 * How text experts are fine-tuned from the pretrained encoder, the ordinary way: a fresh head (the architecture's
 * default init) trained jointly with the encoder from the first step, by AdamW with warm-up and linear decay. Full
 * experts train every encoder tensor but the frozen word embeddings ({@code fineTune}); LoRA experts train only their
 * factors (rank {@code loraRank}, α {@code loraAlpha} on {@code loraTargets}) and the head ({@code loraTune}).
 */
public record TextRecipe(AdamWConfig fineTune, boolean freezeWordEmbeddings, AdamWConfig loraTune, int loraRank,
                         double loraAlpha, List<String> loraTargets) {

    /** The word embedding table, frozen in full fine-tunes when {@link #freezeWordEmbeddings}. */
    public static final String WORD_EMBEDDINGS = "trunk.embeddings.word_embeddings.weight";

    public TextRecipe {
        loraTargets = List.copyOf(loraTargets);
    }

    /** The AdamW settings of the given kind of expert. */
    public AdamWConfig tune(Text6Suite.Experts experts) {
        return experts == Text6Suite.Experts.FULL ? fineTune : loraTune;
    }

    /** The same recipe with the AdamW settings of the given kind of expert replaced. */
    public TextRecipe withTune(Text6Suite.Experts experts, AdamWConfig tune) {
        return experts == Text6Suite.Experts.FULL
                ? new TextRecipe(tune, freezeWordEmbeddings, loraTune, loraRank, loraAlpha, loraTargets)
                : new TextRecipe(fineTune, freezeWordEmbeddings, tune, loraRank, loraAlpha, loraTargets);
    }

    /** The PEFT config of the LoRA experts (base recorded as {@code base}). */
    public LoraConfig loraConfig(String base) {
        return LoraConfig.of(loraRank, loraAlpha, loraTargets, base);
    }
}
