/**
 * Tensors and checkpoints: {@link dev.twin.core.tensor.FloatTensor} and {@link dev.twin.core.tensor.WeightSet} (the
 * float32 working form), and the project's own safetensors reader and writer.
 * <p>
 * Format: an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data section that follows), an
 * optional {@code "__metadata__"} string map, then the row-major little-endian data. Reading:
 * {@link dev.twin.core.tensor.Checkpoints#open} gives a {@link dev.twin.core.tensor.TensorSource} for a file or a
 * (sharded) directory; writing: {@link dev.twin.core.tensor.SafetensorsWriter} and
 * {@link dev.twin.core.tensor.ShardedWriter}. Every problem with a file is a
 * {@link dev.twin.core.tensor.CheckpointException} whose message starts with the file's path.
 */
package dev.twin.core.tensor;
