package dev.twin.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Heaps and the merger's cache, sized by the bundle: a merged weight set is as large as θ* (shared.safetensors), and
 * the executor keeps its installed sets in direct memory, whose limit is its heap size. The defaults fit the small
 * bundles; MiniLM's sets are 90 MB each, and at the defaults (768 MB executor, 256 MB merger cache) lattice on text-6
 * held five sets on the executor and two in the merger for its 18 cluster keys, and spent its time re-materializing and
 * re-installing them (1 Dec 2026).
 *
 * @param setBytes the size of one weight set (θ*), 0 when the bundle has none yet
 */
public record MemorySizing(long setBytes) {
    private static final long MIB = 1L << 20;
    static final long EXECUTOR_MIN = 768 * MIB;
    static final long MERGER_MIN = 1024 * MIB;
    static final long CACHE_MIN = 256 * MIB;

    public static MemorySizing of(Path bundle) {
        Path shared = bundle.resolve("shared.safetensors");
        try {
            return new MemorySizing(Files.isRegularFile(shared) ? Files.size(shared) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + shared, e);
        }
    }

    /** Room for about a dozen installed sets beside the bundle and in-flight installs. */
    public String executorHeap() {
        return mib(Math.max(EXECUTOR_MIN, 16 * setBytes));
    }

    /** The cache below, plus materialization in flight. */
    public String mergerHeap() {
        return mib(Math.max(MERGER_MIN, 2 * mergerCacheBytes()));
    }

    /** About eight merged sets. */
    public long mergerCacheBytes() {
        return Math.max(CACHE_MIN, 8 * setBytes);
    }

    private static String mib(long bytes) {
        return (bytes + MIB - 1) / MIB + "m";
    }
}
