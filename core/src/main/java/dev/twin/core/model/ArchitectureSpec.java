package dev.twin.core.model;

import java.util.List;

/**
 * What the bundle manifest records about a model: the architecture name, the per-example input shape and the
 * hidden sizes (for mlp: widths of the trunk layers; for cnn: conv channels then fc widths; for bert: the encoder
 * sizes, see {@link Bert}).
 */
public record ArchitectureSpec(String name, List<Integer> inputShape, List<Integer> hidden) {
}
