package dev.twin.core.merge;

import java.nio.charset.StandardCharsets;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by this code alone, so seeded drops are
 * reproducible across JVMs and versions.
 */
final class SplitMix64 {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** The SplitMix64 finalizer: a bijective avalanche of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Seed of one stream keyed by (seed, index, name): a hash of the three, independent of any iteration order. */
    static long streamSeed(long seed, long index, String name) {
        long h = 0xCBF29CE484222325L; // FNV-1a 64 over the UTF-8 name
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(mix(mix(seed) + GOLDEN * (index + 1)) ^ h);
    }
}
