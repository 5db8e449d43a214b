package dev.twin.core.tensor;

/**
 * Conversions between float32 and the two 16-bit float formats of checkpoints, by hand because Java 17 has no
 * {@code Float.floatToFloat16}. Encodings are returned and taken as the low 16 bits of an int.
 * <ul>
 *   <li>F16 (IEEE binary16): 1 sign, 5 exponent (bias 15), 10 mantissa bits.</li>
 *   <li>BF16 (bfloat16): the upper 16 bits of a float32: 1 sign, 8 exponent (bias 127), 7 mantissa bits.</li>
 * </ul>
 * Narrowing rounds to nearest, ties to even; values past the largest finite value become infinity; NaN stays NaN.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** value = (-1)^s · 2^(e−15) · 1.m for normals, (-1)^s · 2^-24 · m for subnormals (e = 0). */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            // zero or subnormal: m · 2^-24 is exact in float32
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            // infinity (m = 0) or NaN (payload kept in the top mantissa bits)
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Nearest binary16, ties to even; |x| ≥ 65520 becomes infinity. */
    public static int floatToF16(float x) {
        int bits = Float.floatToRawIntBits(x);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            // infinity stays infinity; NaN keeps its top payload bits and is forced quiet so it cannot become inf
            return mant == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mant >>> 13);
        }
        int e = exp - 127 + 15; // exponent rebased to binary16
        if (e >= 0x1F) {
            return sign | 0x7C00;
        }
        if (e <= 0) {
            // binary16 subnormal: h = round(1.m · 2^(exp−127) / 2^-24); below 2^-25 (or exactly at it: tie to 0) gives 0
            if (e < -10) {
                return sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            return sign | roundShift(m, shift);
        }
        // normal: drop 13 mantissa bits; a carry out of the mantissa correctly bumps the exponent (up to inf)
        return sign | roundShift((e << 23) | mant, 13);
    }

    /** bf16 bits are the top half of the float32 bits. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Nearest bfloat16, ties to even; a carry past the largest finite value gives infinity. */
    public static int floatToBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x7FFFFF) != 0) {
            // NaN: truncating could clear every payload bit and turn it into inf, so force it quiet
            return (bits >>> 16) | 0x40;
        }
        return roundShift(bits, 16) & 0xFFFF;
    }

    /** v >> shift rounded to nearest, ties to even (v ≥ 0, 1 ≤ shift ≤ 30). */
    private static int roundShift(int v, int shift) {
        int q = v >>> shift;
        int rem = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;
        }
        return q;
    }
}
