package dev.twin.core.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** F16/BF16 conversions against known bit patterns and against a brute-force nearest-value search. */
class HalfFloatsTest {

    private static void assertBits(int expected, int actual, String what) {
        assertEquals(expected, actual, () -> what + ": expected 0x" + Integer.toHexString(expected) + " got 0x"
                + Integer.toHexString(actual));
    }

    @Test
    void f16KnownPatternsDecode() {
        assertEquals(1f, HalfFloats.f16ToFloat(0x3C00));
        assertEquals(-2f, HalfFloats.f16ToFloat(0xC000));
        assertEquals(65504f, HalfFloats.f16ToFloat(0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat(0x0001));
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat(0x0400));
        assertEquals(0.333251953125f, HalfFloats.f16ToFloat(0x3555));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat(0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(0x7E00)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(0x7C01)));
    }

    @Test
    void f16KnownPatternsEncodeWithTiesToEven() {
        assertBits(0x3C00, HalfFloats.floatToF16(1f), "1");
        assertBits(0xC000, HalfFloats.floatToF16(-2f), "-2");
        assertBits(0x7BFF, HalfFloats.floatToF16(65504f), "max");
        assertBits(0x8000, HalfFloats.floatToF16(-0f), "-0");
        // 1 + 2^-11 lies halfway between 0x3C00 and 0x3C01: the even one wins
        assertBits(0x3C00, HalfFloats.floatToF16(1f + 0x1p-11f), "tie down to even");
        // 1 + 3·2^-11 lies halfway between 0x3C01 and 0x3C02
        assertBits(0x3C02, HalfFloats.floatToF16(1f + 3 * 0x1p-11f), "tie up to even");
        assertBits(0x3C01, HalfFloats.floatToF16(1f + 0x1p-11f + 0x1p-20f), "just above the tie");
        // overflow: 65519.996 rounds down to max, 65520 is the tie between max (odd) and 2^16 (inf)
        assertBits(0x7BFF, HalfFloats.floatToF16(65519.996f), "below the overflow tie");
        assertBits(0x7C00, HalfFloats.floatToF16(65520f), "overflow tie goes to inf");
        assertBits(0x7C00, HalfFloats.floatToF16(1e9f), "overflow");
        assertBits(0xFC00, HalfFloats.floatToF16(-1e9f), "negative overflow");
        assertBits(0x7C00, HalfFloats.floatToF16(Float.POSITIVE_INFINITY), "inf");
        // subnormals: 2^-25 is the tie between 0 and the smallest subnormal
        assertBits(0x0001, HalfFloats.floatToF16(0x1p-24f), "smallest subnormal");
        assertBits(0x0000, HalfFloats.floatToF16(0x1p-25f), "tie to zero");
        assertBits(0x0001, HalfFloats.floatToF16(0x1p-25f * (1 + 0x1p-10f)), "above the tie");
        assertBits(0x0002, HalfFloats.floatToF16(1.5f * 0x1p-24f), "subnormal tie up to even");
        assertBits(0x0002, HalfFloats.floatToF16(2.5f * 0x1p-24f), "subnormal tie down to even");
        assertBits(0x0400, HalfFloats.floatToF16(1023.5f * 0x1p-24f), "subnormal rounds up into the normals");
        assertBits(0x0000, HalfFloats.floatToF16(Float.MIN_VALUE), "float subnormal");
        int nan = HalfFloats.floatToF16(Float.intBitsToFloat(0x7F800001)); // NaN whose payload is only in low bits
        assertTrue((nan & 0x7C00) == 0x7C00 && (nan & 0x3FF) != 0, "NaN stays NaN");
    }

    @Test
    void f16DecodeMatchesTheFormulaForAllPatterns() {
        for (int h = 0; h < 0x10000; h++) {
            int e = (h >>> 10) & 0x1F;
            int m = h & 0x3FF;
            double s = (h & 0x8000) != 0 ? -1 : 1;
            float got = HalfFloats.f16ToFloat(h);
            if (e == 0x1F) {
                assertEquals(m == 0, Float.isInfinite(got), "0x" + Integer.toHexString(h));
                assertEquals(m != 0, Float.isNaN(got), "0x" + Integer.toHexString(h));
                continue;
            }
            // value = s · m · 2^-24 (subnormal) or s · (1 + m/1024) · 2^(e−15)
            double expected = e == 0 ? s * m * Math.pow(2, -24) : s * (1 + m / 1024.0) * Math.pow(2, e - 15);
            assertEquals((float) expected, got, "0x" + Integer.toHexString(h));
            assertBits(h, HalfFloats.floatToF16(got), "round trip");
        }
    }

    /** Every finite non-negative f16 value, ascending, with 2^16 standing in for inf (the IEEE rounding rule). */
    private static double[] f16Ladder() {
        double[] v = new double[0x7C01];
        for (int h = 0; h < 0x7C00; h++) {
            v[h] = HalfFloats.f16ToFloat(h);
        }
        v[0x7C00] = 65536;
        return v;
    }

    @Test
    void f16EncodeIsTheNearestValueTiesToEven() {
        double[] ladder = f16Ladder();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // random float bits up to just above 2^16, so overflow, subnormals and ties all occur
            float x = Float.intBitsToFloat(rnd.nextInt(0x47800100));
            if (i % 4 == 0) {
                // exact midpoints between neighbours
                int h = rnd.nextInt(0x7C00);
                x = (float) ((ladder[h] + ladder[h + 1]) / 2);
            }
            int pos = Arrays.binarySearch(ladder, x);
            int expected;
            if (pos >= 0) {
                expected = pos;
            } else {
                int hi = -pos - 1;
                int lo = hi - 1;
                double dl = x - ladder[lo];
                double dh = ladder[hi] - x;
                expected = dl < dh ? lo : dh < dl ? hi : (lo % 2 == 0 ? lo : hi);
            }
            assertBits(expected, HalfFloats.floatToF16(x), "x=" + x);
            assertBits(expected | 0x8000, HalfFloats.floatToF16(-x), "x=" + -x);
        }
    }

    @Test
    void bf16KnownPatterns() {
        assertEquals(1f, HalfFloats.bf16ToFloat(0x3F80));
        assertEquals(-2f, HalfFloats.bf16ToFloat(0xC000));
        assertBits(0x3F80, HalfFloats.floatToBf16(1f), "1");
        assertBits(0xC040, HalfFloats.floatToBf16(-3f), "-3");
        // 1 + 2^-8 is halfway between 1 (0x3F80) and 1 + 2^-7 (0x3F81)
        assertBits(0x3F80, HalfFloats.floatToBf16(1f + 0x1p-8f), "tie down to even");
        assertBits(0x3F82, HalfFloats.floatToBf16(1f + 3 * 0x1p-8f), "tie up to even");
        assertBits(0x3F81, HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-20f), "above the tie");
        assertBits(0x4049, HalfFloats.floatToBf16((float) Math.PI), "pi");
        assertBits(0x7F7F, HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F7F0000)), "largest bf16");
        assertBits(0x7F80, HalfFloats.floatToBf16(Float.MAX_VALUE), "overflow to inf");
        assertBits(0xFF80, HalfFloats.floatToBf16(-Float.MAX_VALUE), "negative overflow");
        assertBits(0x8000, HalfFloats.floatToBf16(-0f), "-0");
        int nan = HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(nan)), "NaN stays NaN");
    }

    @Test
    void bf16EncodeIsTheNearestValueTiesToEven() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int bits = rnd.nextInt(0x7F800000); // finite non-negative floats
            float x = Float.intBitsToFloat(bits);
            // neighbours: truncation and the next bf16 up (which may be inf)
            int lo = bits >>> 16;
            double vl = HalfFloats.bf16ToFloat(lo);
            double vh = lo + 1 == 0x7F80 ? 0x1p128 : HalfFloats.bf16ToFloat(lo + 1);
            double dl = x - vl;
            double dh = vh - x;
            int expected = dl < dh ? lo : dh < dl ? lo + 1 : (lo % 2 == 0 ? lo : lo + 1);
            assertBits(expected, HalfFloats.floatToBf16(x), "x=" + x);
        }
    }
}
