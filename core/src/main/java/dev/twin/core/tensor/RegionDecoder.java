package dev.twin.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Decodes one tensor's byte region of a file into a Java array by memory-mapping it. A single mapping is limited to
 * 2 GiB, so a region is mapped in chunks of at most {@code chunkBytes} (rounded down to whole elements).
 */
final class RegionDecoder {
    /** 1 GiB: a whole number of elements for every dtype and well under the 2 GiB mapping limit. */
    static final long DEFAULT_CHUNK_BYTES = 1L << 30;

    private RegionDecoder() {
    }

    /**
     * The chunks [offset, offset + length) that cover {@code length} bytes: each a whole number of
     * {@code elemSize}-byte elements, at most max(elemSize, chunkBytes rounded down to elements) and at most 2 GiB.
     */
    static long[][] plan(long length, int elemSize, long chunkBytes) {
        long cap = Math.min(chunkBytes, Integer.MAX_VALUE);
        long step = Math.max(elemSize, cap - cap % elemSize);
        int count = (int) ((length + step - 1) / step);
        long[][] chunks = new long[count][];
        for (int i = 0; i < count; i++) {
            long off = i * step;
            chunks[i] = new long[] {off, Math.min(step, length - off)};
        }
        return chunks;
    }

    /** Reads {@code out.length} elements of {@code dtype} starting at absolute file {@code position}, as floats. */
    static void readFloats(FileChannel ch, long position, DType dtype, float[] out, long chunkBytes) throws IOException {
        int size = dtype.byteSize();
        for (long[] c : plan((long) out.length * size, size, chunkBytes)) {
            ByteBuffer b = map(ch, position + c[0], c[1]);
            decodeFloats(b, dtype, out, (int) (c[0] / size), (int) (c[1] / size));
        }
    }

    /**
     * Reads {@code out.length} elements of an integer {@code dtype} as ints.
     *
     * @throws IllegalArgumentException when an I64 value does not fit an int (naming the value and its index)
     */
    static void readInts(FileChannel ch, long position, DType dtype, int[] out, long chunkBytes) throws IOException {
        int size = dtype.byteSize();
        for (long[] c : plan((long) out.length * size, size, chunkBytes)) {
            ByteBuffer b = map(ch, position + c[0], c[1]);
            decodeInts(b, dtype, out, (int) (c[0] / size), (int) (c[1] / size));
        }
    }

    private static ByteBuffer map(FileChannel ch, long position, long length) throws IOException {
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, position, length);
        return m.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes n little-endian elements from the start of b into out[at .. at+n). */
    static void decodeFloats(ByteBuffer b, DType dtype, float[] out, int at, int n) {
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = HalfFloats.f16ToFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = HalfFloats.bf16ToFloat(b.getShort(2 * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = (float) b.getDouble(8 * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = (float) b.getLong(8 * i);
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = (float) b.getInt(4 * i);
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i) & 0xFF;
                }
            }
            case BOOL -> {
                // any non-zero byte is true, as in C and PyTorch
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i) != 0 ? 1f : 0f;
                }
            }
        }
    }

    /** Decodes n little-endian integer elements from the start of b into out[at .. at+n). */
    static void decodeInts(ByteBuffer b, DType dtype, int[] out, int at, int n) {
        switch (dtype) {
            case I32 -> b.asIntBuffer().get(out, at, n);
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    long v = b.getLong(8 * i);
                    if (v != (int) v) {
                        throw new IllegalArgumentException("I64 value " + v + " at index " + (at + i)
                                + " does not fit an int");
                    }
                    out[at + i] = (int) v;
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i) & 0xFF;
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = b.get(i) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not an integer dtype");
        }
    }
}
