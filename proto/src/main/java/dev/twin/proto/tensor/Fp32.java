package dev.twin.proto.tensor;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Little-endian float32 blocks, the one tensor encoding of the data path (OIP raw contents, twin.routed rows). */
public final class Fp32 {
    private Fp32() {
    }

    /** A read-only float view of {@code block} (no copy for a flat ByteString). */
    public static FloatBuffer view(ByteString block) {
        return block.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** The floats of {@code block}. */
    public static float[] decode(ByteString block) {
        FloatBuffer fb = view(block);
        float[] x = new float[fb.remaining()];
        fb.get(x);
        return x;
    }

    /** {@code values} as one block (the array is copied once into the block's bytes). */
    public static ByteString encode(float[] values) {
        return encode(values, values.length);
    }

    /** The first {@code n} of {@code values} as one block. */
    public static ByteString encode(float[] values, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values, 0, n);
        // the buffer is ours alone and never written again
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    /** Index of the first non-finite value in {@code block}, or -1. */
    public static int firstNonFinite(ByteString block) {
        FloatBuffer fb = view(block);
        for (int i = 0, n = fb.remaining(); i < n; i++) {
            if (!Float.isFinite(fb.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
