package dev.twin.core.modularize;

import dev.twin.core.compress.CompressOptions;
import dev.twin.core.merge.MergeOptions;

/**
 * Stage 1 settings: the static method that builds the shared expert and the compression of the exclusive vectors.
 * {@code mergeOptions.exclude()} names the task-specific tensors (heads) that are never merged.
 */
public record ModularizeConfig(String sharedMethod, MergeOptions mergeOptions, String compressMethod,
                               CompressOptions compressOptions) {
}
