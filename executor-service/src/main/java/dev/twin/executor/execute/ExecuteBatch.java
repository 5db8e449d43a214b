package dev.twin.executor.execute;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One execute call: the base weight set ({@code key}; empty = the bundle's θ*), the rows, their inputs as
 * rows × inputDim little-endian float32 and optional per-row merge weights as rows × tasks little-endian float32
 * (empty buffer: the base alone). The buffers are read-only views of the request, not copies.
 */
public record ExecuteBatch(String key, List<InputRow> rows, ByteBuffer inputs, ByteBuffer weights) {

    /** Whether the rows bring their own merge weights (applied factored on top of the base). */
    public boolean weighted() {
        return weights.remaining() > 0;
    }
}
