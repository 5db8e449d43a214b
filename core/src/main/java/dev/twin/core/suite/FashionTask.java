package dev.twin.core.suite;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The eight tasks of fashion-mnist-8 (DESIGN.md): how each transforms a square image with pixels in [0, 1] and maps
 * the Fashion-MNIST label. Images are row-major, {@code side}×{@code side}.
 */
public enum FashionTask {
    /** As is. */
    FASHION,
    /** Rotated 90° clockwise: out[r][c] = in[side−1−c][r]. */
    ROT90,
    /** Upside down: out[r][c] = in[side−1−r][c]. */
    FLIP,
    /** out = 1 − in. */
    INVERT,
    /** One fixed pixel permutation (Fisher–Yates from seed {@value #PERMUTE_SEED}): out[j] = in[perm[j]]. */
    PERMUTE,
    /** The image as is, 4 labels: tops, bottoms, footwear, bag. */
    COARSE,
    /** out = clip(in + N(0, 0.5²), 0, 1), the noise drawn from a seed fixed per image. */
    NOISE,
    /** Rolled by {@value #SHIFT_PIXELS} pixels on both axes (np.roll): out[(r+7) mod side][(c+7) mod side] = in[r][c]. */
    SHIFT;

    public static final long PERMUTE_SEED = 0;
    public static final double NOISE_SIGMA = 0.5;
    public static final long NOISE_SEED = 0x6E6F697365L;
    public static final int SHIFT_PIXELS = 7;
    /**
     * Fashion-MNIST class → coarse class. 0 T-shirt/top, 2 pullover, 4 coat, 6 shirt → 0 tops; 1 trouser, 3 dress →
     * 1 bottoms; 5 sandal, 7 sneaker, 9 ankle boot → 2 footwear; 8 bag → 3 bag.
     */
    private static final int[] COARSE_OF = {0, 1, 0, 1, 0, 2, 0, 2, 3, 2};
    private static final Map<Integer, int[]> PERMUTATIONS = new ConcurrentHashMap<>();

    /** Task names in suite order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(FashionTask::taskName).toList();
    }

    /** The task (and head) name, e.g. "rot90". */
    public String taskName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int classes() {
        return this == COARSE ? 4 : 10;
    }

    /** The task's label for a Fashion-MNIST label 0..9. */
    public int label(int fashionLabel) {
        if (fashionLabel < 0 || fashionLabel > 9) {
            throw new IllegalArgumentException("Fashion-MNIST label " + fashionLabel + " is outside 0..9");
        }
        return this == COARSE ? COARSE_OF[fashionLabel] : fashionLabel;
    }

    /**
     * Writes the transformed image src[so .. so+side²) to dst[dOff ..). {@code imageId} identifies the image (its
     * noise seed); src and dst must not overlap.
     */
    public void apply(float[] src, int so, float[] dst, int dOff, int side, long imageId) {
        int n = side * side;
        switch (this) {
            case FASHION, COARSE -> System.arraycopy(src, so, dst, dOff, n);
            case ROT90 -> {
                for (int r = 0; r < side; r++) {
                    for (int c = 0; c < side; c++) {
                        dst[dOff + r * side + c] = src[so + (side - 1 - c) * side + r];
                    }
                }
            }
            case FLIP -> {
                for (int r = 0; r < side; r++) {
                    System.arraycopy(src, so + (side - 1 - r) * side, dst, dOff + r * side, side);
                }
            }
            case INVERT -> {
                for (int j = 0; j < n; j++) {
                    dst[dOff + j] = 1f - src[so + j];
                }
            }
            case PERMUTE -> {
                int[] perm = sharedPermutation(n);
                for (int j = 0; j < n; j++) {
                    dst[dOff + j] = src[so + perm[j]];
                }
            }
            case NOISE -> {
                SplittableRandom rng = new SplittableRandom(Seeds.mix(NOISE_SEED, imageId));
                for (int j = 0; j < n; j++) {
                    double v = src[so + j] + NOISE_SIGMA * rng.nextGaussian();
                    dst[dOff + j] = (float) Math.min(1.0, Math.max(0.0, v));
                }
            }
            case SHIFT -> {
                int s = SHIFT_PIXELS % side;
                for (int r = 0; r < side; r++) {
                    int sr = (r - s + side) % side;
                    for (int c = 0; c < side; c++) {
                        dst[dOff + r * side + c] = src[so + sr * side + (c - s + side) % side];
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled task " + this);
        }
    }

    /** Convenience for one image: a new array. */
    public float[] apply(float[] image, int side, long imageId) {
        if (image.length != side * side) {
            throw new IllegalArgumentException("image has " + image.length + " pixels, expected " + side + "x" + side);
        }
        float[] out = new float[image.length];
        apply(image, 0, out, 0, side, imageId);
        return out;
    }

    /** The fixed permutation of n pixels used by {@link #PERMUTE} (a copy). */
    public static int[] permutation(int n) {
        return sharedPermutation(n).clone();
    }

    private static int[] sharedPermutation(int n) {
        return PERMUTATIONS.computeIfAbsent(n, k -> {
            int[] p = new int[k];
            for (int i = 0; i < k; i++) {
                p[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(PERMUTE_SEED);
            for (int i = k - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            return p;
        });
    }
}
