package dev.twin.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemorySizingTest {
    @Test
    void smallBundlesKeepTheDefaults() {
        MemorySizing s = new MemorySizing(6_000_000);
        assertEquals("768m", s.executorHeap());
        assertEquals("1024m", s.mergerHeap());
        assertEquals(256L << 20, s.mergerCacheBytes());
    }

    @Test
    void miniLmSetsScaleTheHeapsAndTheCache() {
        MemorySizing s = new MemorySizing(90_273_256); // text-6's shared.safetensors
        assertEquals("1378m", s.executorHeap()); // 16 × 90,273,256 B = 1,377.5 MiB, rounded up
        assertEquals(722_186_048L, s.mergerCacheBytes()); // 8 sets
        assertEquals("1378m", s.mergerHeap()); // twice the cache
    }

    @Test
    void theSetSizeIsTheSharedExpertsFile(@TempDir Path bundle) throws Exception {
        assertEquals(0, MemorySizing.of(bundle).setBytes());
        Files.write(bundle.resolve("shared.safetensors"), new byte[1234]);
        assertEquals(1234, MemorySizing.of(bundle).setBytes());
    }
}
