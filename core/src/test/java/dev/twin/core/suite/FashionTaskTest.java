package dev.twin.core.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FashionTaskTest {
    //  1 2 3
    //  4 5 6
    //  7 8 9
    private static final float[] IMG = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void namesAndClassesFollowTheDesign() {
        assertEquals(List.of("fashion", "rot90", "flip", "invert", "permute", "coarse", "noise", "shift"),
                FashionTask.names());
        assertEquals(4, FashionTask.COARSE.classes());
        assertEquals(10, FashionTask.SHIFT.classes());
    }

    @Test
    void rot90IsClockwise() {
        // the top row becomes the right column
        assertArrayEquals(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, FashionTask.ROT90.apply(IMG, 3, 0));
    }

    @Test
    void flipIsUpsideDown() {
        assertArrayEquals(new float[] {7, 8, 9, 4, 5, 6, 1, 2, 3}, FashionTask.FLIP.apply(IMG, 3, 0));
    }

    @Test
    void shiftRollsBySevenWithWrap() {
        // on a 3x3 image a roll by 7 is a roll by 1: out[r][c] = in[r−1][c−1] (indices mod 3)
        assertArrayEquals(new float[] {9, 7, 8, 3, 1, 2, 6, 4, 5}, FashionTask.SHIFT.apply(IMG, 3, 0));
        // on 10x10: pixel (r, c) lands on ((r + 7) mod 10, (c + 7) mod 10)
        float[] big = new float[100];
        big[0] = 1; // (0,0) → (7,7)
        big[5 * 10 + 5] = 2; // (5,5) → (2,2)
        big[9 * 10 + 2] = 3; // (9,2) → (6,9)
        float[] out = FashionTask.SHIFT.apply(big, 10, 0);
        float[] expected = new float[100];
        expected[7 * 10 + 7] = 1;
        expected[2 * 10 + 2] = 2;
        expected[6 * 10 + 9] = 3;
        assertArrayEquals(expected, out);
    }

    @Test
    void invertIsOneMinusPixel() {
        assertArrayEquals(new float[] {1f, 0.75f, 0f, 0.5f}, FashionTask.INVERT.apply(new float[] {0, 0.25f, 1,
            0.5f}, 2, 0));
    }

    @Test
    void fashionAndCoarseKeepThePixels() {
        assertArrayEquals(IMG, FashionTask.FASHION.apply(IMG, 3, 0));
        assertArrayEquals(IMG, FashionTask.COARSE.apply(IMG, 3, 0));
    }

    @Test
    void coarseMapsToTopsBottomsFootwearBag() {
        // 0 T-shirt, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot
        int[] expected = {0, 1, 0, 1, 0, 2, 0, 2, 3, 2};
        for (int c = 0; c < 10; c++) {
            assertEquals(expected[c], FashionTask.COARSE.label(c), "class " + c);
            assertEquals(c, FashionTask.ROT90.label(c));
        }
        assertThrows(IllegalArgumentException.class, () -> FashionTask.COARSE.label(10));
    }

    @Test
    void permuteIsOneFixedPermutation() {
        int[] p = FashionTask.permutation(784);
        assertArrayEquals(p, FashionTask.permutation(784), "identical across calls");
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 784; i++) {
            assertEquals(i, sorted[i], "a bijection of 0..783");
        }
        int fixedPoints = 0;
        for (int i = 0; i < 784; i++) {
            if (p[i] == i) {
                fixedPoints++;
            }
        }
        assertTrue(fixedPoints < 10, "a real shuffle, fixed points " + fixedPoints);
        // out[j] = in[perm[j]]: on the image 0..8 the output is the permutation itself
        float[] ramp = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        int[] p9 = FashionTask.permutation(9);
        float[] out = FashionTask.PERMUTE.apply(ramp, 3, 0);
        for (int j = 0; j < 9; j++) {
            assertEquals(p9[j], out[j], 0f);
        }
        assertArrayEquals(out, FashionTask.PERMUTE.apply(ramp, 3, 99), "same for every image");
    }

    @Test
    void noiseIsClippedAndFixedPerImage() {
        float[] gray = new float[28 * 28];
        Arrays.fill(gray, 0.5f);
        float[] a = FashionTask.NOISE.apply(gray, 28, 5);
        assertArrayEquals(a, FashionTask.NOISE.apply(gray, 28, 5), "same image id, same noise");
        assertFalse(Arrays.equals(a, FashionTask.NOISE.apply(gray, 28, 6)), "another image, other noise");
        // 0.5 + 0.5·z is clipped at 1 when z > 1 (probability 1 − Φ(1) = 0.1587) and at 0 when z < −1 (same)
        int high = 0;
        int low = 0;
        int total = 0;
        double sumInside = 0;
        int inside = 0;
        for (long id = 0; id < 200; id++) {
            for (float v : FashionTask.NOISE.apply(gray, 28, id)) {
                assertTrue(v >= 0f && v <= 1f, "value " + v);
                if (v == 1f) {
                    high++;
                } else if (v == 0f) {
                    low++;
                } else {
                    sumInside += v;
                    inside++;
                }
                total++;
            }
        }
        assertEquals(0.1587, (double) high / total, 0.01);
        assertEquals(0.1587, (double) low / total, 0.01);
        assertEquals(0.5, sumInside / inside, 0.01, "symmetric noise around the pixel");
    }
}
