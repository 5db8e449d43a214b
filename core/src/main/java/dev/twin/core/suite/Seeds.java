package dev.twin.core.suite;

import java.util.SplittableRandom;

/** Derived seeds, so that each task (or image) draws from its own reproducible stream. */
public final class Seeds {
    private Seeds() {
    }

    /** A seed for {@code task} derived from {@code seed} (String.hashCode is fixed by the language spec). */
    public static long forTask(long seed, String task) {
        return mix(seed, task.hashCode());
    }

    /** Mixes a seed with a salt: SplittableRandom(seed ⊕ salt·φ).nextLong(), φ the 64-bit golden ratio. */
    public static long mix(long seed, long salt) {
        return new SplittableRandom(seed ^ (salt * 0x9E3779B97F4A7C15L)).nextLong();
    }
}
