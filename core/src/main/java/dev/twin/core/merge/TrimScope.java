package dev.twin.core.merge;

import java.util.Locale;

/** Scope of the TIES trim ranking and of its γ = 0 fallback: one tensor, or the whole flattened model. */
public enum TrimScope {
    /** Rank within each tensor (mergekit's behaviour; the default). */
    TENSOR,
    /** Rank over all merged tensors of a task vector flattened in weight-set order (TIES paper, Twin-Merging code). */
    GLOBAL;

    /** Parses {@code "tensor"} or {@code "global"} (case-insensitive). */
    public static TrimScope parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "tensor":
                    return TENSOR;
                case "global":
                    return GLOBAL;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown trim scope '" + text + "': expected 'tensor' or 'global'");
    }

    /** The spelling {@link #parse} accepts. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
