package dev.twin.core.bert;

import dev.twin.core.tensor.WeightSet;
import java.util.Map;

/**
 * A BERT encoder read from another format: its config, its parameters under Hugging Face names (see {@link
 * BertLayout}) and, for each Linear weight, the name of the tensor it came from in the source file (for checks).
 */
public record ImportedBert(BertConfig config, WeightSet weights, Map<String, String> linearSources) {
    public ImportedBert {
        linearSources = Map.copyOf(linearSources);
    }
}
