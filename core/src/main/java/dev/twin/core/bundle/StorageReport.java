package dev.twin.core.bundle;

import java.util.Map;

/**
 * Bytes per part of a bundle as stored (float32 values, int32 indices), against keeping all T experts dense.
 * The router is on its own line: for small models it is as big as a trunk (DESIGN.md).
 */
public record StorageReport(long sharedBytes, Map<String, Long> expertBytes, long headBytes, long routerBytes,
                            long denseExpertsBytes) {

    /** Shared expert + compressed exclusive experts + heads, router excluded. */
    public long twinBytes() {
        return sharedBytes + expertBytes.values().stream().mapToLong(Long::longValue).sum() + headBytes;
    }

    /** {@link #twinBytes()} / all experts dense. */
    public double ratioToDense() {
        return denseExpertsBytes == 0 ? 0 : (double) twinBytes() / denseExpertsBytes;
    }

    public StorageReport withRouterBytes(long bytes) {
        return new StorageReport(sharedBytes, expertBytes, headBytes, bytes, denseExpertsBytes);
    }

    /** Human-readable lines for the CLI. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  shared expert      %,14d B%n", sharedBytes));
        expertBytes.forEach((t, b) -> sb.append(String.format("  exclusive %-8s %,14d B%n", t, b)));
        sb.append(String.format("  heads              %,14d B%n", headBytes));
        sb.append(String.format("  twin total         %,14d B  (%.1f%% of %,d B for all experts dense)%n",
                twinBytes(), 100 * ratioToDense(), denseExpertsBytes));
        sb.append(String.format("  router (apart)     %,14d B%n", routerBytes));
        return sb.toString();
    }
}
