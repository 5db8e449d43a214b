package dev.twin.core.train;

import java.util.SplittableRandom;

/** Seeded random permutations (Fisher–Yates), the order in which an epoch visits its examples. */
public final class Shuffle {
    private Shuffle() {
    }

    /** A uniformly random permutation of 0..n-1 drawn from rng. */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
