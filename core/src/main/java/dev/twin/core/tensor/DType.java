package dev.twin.core.tensor;

import java.util.Arrays;

/**
 * Element types of a safetensors file, named as the format names them ("F32", "BF16", ...).
 * Every one can be read (and widened to float32 for computation); {@link SafetensorsWriter} writes F32, F16, BF16
 * and I32.
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the integer and boolean types, whose values {@link TensorSource#loadInts} returns exactly. */
    public boolean isInteger() {
        return this == I64 || this == I32 || this == I8 || this == U8 || this == BOOL;
    }

    /**
     * The dtype with this safetensors name (exact, upper case as the format writes it).
     *
     * @throws IllegalArgumentException naming the unknown dtype and the known ones
     */
    public static DType parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "' (supported: " + Arrays.toString(values()) + ")");
    }
}
