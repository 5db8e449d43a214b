package dev.twin.core.merge;

import dev.twin.core.tensor.WeightSet;
import java.util.List;

/**
 * A static merge of T experts fine-tuned from one base (TWIN-MERGING.md, "Static merge methods").
 * All non-excluded tensors of the base and the experts must have identical names and shapes; tensors matching any
 * {@link MergeOptions#exclude()} pattern (full match) are copied from the base unchanged. Arithmetic is float32.
 */
public interface MergeMethod {

    /** The name used on the command line, e.g. {@code "ties"}. */
    String name();

    /**
     * Merges the experts into one weight set, in the base's tensor order.
     *
     * @throws IllegalArgumentException when the inputs do not line up (naming the expert index and tensor)
     */
    WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts);
}
