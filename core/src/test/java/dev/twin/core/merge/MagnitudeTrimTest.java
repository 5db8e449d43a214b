package dev.twin.core.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MagnitudeTrimTest {

    @Test
    void selectAgreesWithSorting() {
        Random rng = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rng.nextInt(300);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values so that duplicates are common
                a[i] = trial % 2 == 0 ? rng.nextInt(5) : rng.nextFloat();
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int target = rng.nextInt(n);
            assertEquals(sorted[target], MagnitudeTrim.select(a.clone(), target), "n=" + n + " target=" + target);
        }
    }

    @Test
    void topIndicesBreakTiesByLowerIndex() {
        // |.| = [1, 3, 3, 0, 3, 2]; top 2 → threshold 3 shared by 1, 2, 4 → {1, 2}; top 4 → {1, 2, 4, 5}
        float[] v = {1, -3, 3, 0, 3, -2};
        assertArrayEquals(new int[] {1, 2}, MagnitudeTrim.topIndices(v, 2));
        assertArrayEquals(new int[] {1, 2, 4, 5}, MagnitudeTrim.topIndices(v, 4));
        assertArrayEquals(new int[] {}, MagnitudeTrim.topIndices(v, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, MagnitudeTrim.topIndices(v, 6));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, MagnitudeTrim.topIndices(v, 99));
    }

    @Test
    void allZerosKeepExactlyK() {
        assertArrayEquals(new int[] {0, 1, 2}, MagnitudeTrim.topIndices(new float[10], 3));
    }

    @Test
    void keepCountFloorsTheDecimalDensity() {
        assertEquals(29, Density.keepCount(0.29, 100)); // 0.29·100 is 28.999999999999996 in double
        assertEquals(2, Density.keepCount(0.2, 10));
        assertEquals(0, Density.keepCount(0.1, 4));
        assertEquals(7, Density.keepCount(0.7, 10));
        assertEquals(1_000_000, Density.keepCount(1.0, 1_000_000));
    }
}
