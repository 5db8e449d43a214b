package dev.twin.core.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void matchesHandComputedValuesAtTemperatureOne() {
        // e^1, e^2, e^3 over their sum
        assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f},
                RouterSession.softmax(new float[] {1, 2, 3}, 1.0), 1e-7f);
        // exp(0) : exp(ln 3) = 1 : 3
        assertArrayEquals(new float[] {0.25f, 0.75f}, RouterSession.softmax(new float[] {0f, (float) Math.log(3)}, 1.0), 1e-7f);
    }

    @Test
    void temperatureDividesTheLogits() {
        // softmax([1,2,3] / 2) = e^0.5, e^1, e^1.5 over their sum
        assertArrayEquals(new float[] {0.18632372f, 0.30719589f, 0.50648039f},
                RouterSession.softmax(new float[] {1, 2, 3}, 2.0), 1e-7f);
        // a tiny temperature approaches the one-hot argmax
        float[] sharp = RouterSession.softmax(new float[] {1, 2, 3}, 0.01);
        assertArrayEquals(new float[] {0f, 0f, 1f}, sharp, 1e-30f);
    }

    @Test
    void isStableForHugeLogits() {
        assertArrayEquals(new float[] {0.5f, 0.5f}, RouterSession.softmax(new float[] {1000f, 1000f}, 1.0), 0f);
        float[] w = RouterSession.softmax(new float[] {1000f, 0f, -1000f}, 1.0);
        assertArrayEquals(new float[] {1f, 0f, 0f}, w, 1e-30f);
    }

    @Test
    void rejectsNonPositiveTemperature() {
        for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RouterSession.softmax(new float[] {1, 2}, t));
            assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> RouterSession.softmax(new float[0], 1));
        assertThrows(IllegalArgumentException.class, () -> RouterSession.softmax(new float[] {Float.NaN}, 1));
    }
}
