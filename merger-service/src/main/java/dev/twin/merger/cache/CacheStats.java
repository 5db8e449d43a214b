package dev.twin.merger.cache;

/** Counters and occupancy of a budgeted cache at one instant. */
public record CacheStats(long hits, long misses, long evictions, int entries, long bytes, long budget) {
}
