package dev.twin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * cli/native-memory.sh, the allocator choice of ./twin and of every process it starts, run by bash as the launcher
 * sources it: what it exports for each setting of TWIN_MALLOC, and that a user's own LD_PRELOAD and MALLOC_CONF win.
 */
class NativeMemoryScriptTest {
    private static final Path SCRIPT = Path.of("native-memory.sh").toAbsolutePath(); // the module directory
    private static final boolean JEMALLOC = List.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2")
            .stream().anyMatch(p -> Files.isRegularFile(Path.of(p)));

    /** Exit status, the exported allocator variables and stderr of sourcing the script before {@code command}. */
    private record Outcome(int exit, Map<String, String> env, String stderr) {
    }

    private static Outcome source(String command, Map<String, String> env) throws IOException, InterruptedException {
        String body = "set -- " + command + "; source '" + SCRIPT + "'; "
                + "echo \"LD_PRELOAD=${LD_PRELOAD:-}\"; echo \"MALLOC_CONF=${MALLOC_CONF:-}\"; "
                + "echo \"MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-}\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", body);
        pb.environment().keySet().removeAll(List.of("LD_PRELOAD", "MALLOC_CONF", "MALLOC_MMAP_THRESHOLD_", "TWIN_MALLOC"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Outcome(p.exitValue(), vars, err);
    }

    @Test
    void glibcIsForcedWithItsFixedThresholdAndNoPreload() throws Exception {
        Outcome o = source("eval", Map.of("TWIN_MALLOC", "glibc"));
        assertEquals(0, o.exit());
        assertEquals("", o.env().get("LD_PRELOAD"));
        assertEquals("", o.env().get("MALLOC_CONF"));
        assertEquals("131072", o.env().get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("", o.stderr(), "forcing glibc is not worth a hint");
    }

    @Test
    void theDefaultIsJemallocWhenInstalledElseGlibcWithAHint() throws Exception {
        Outcome o = source("eval", Map.of());
        assertEquals(0, o.exit());
        assertEquals("131072", o.env().get("MALLOC_MMAP_THRESHOLD_"));
        if (JEMALLOC) {
            assertTrue(o.env().get("LD_PRELOAD").endsWith("/libjemalloc.so.2"), o.env().toString());
            assertEquals("oversize_threshold:0,dirty_decay_ms:30000,muzzy_decay_ms:30000", o.env().get("MALLOC_CONF"));
            assertEquals("", o.stderr());
        } else {
            assertEquals("", o.env().get("LD_PRELOAD"));
            assertTrue(o.stderr().contains("apt-get install libjemalloc2"), o.stderr());
            // a quick command is not told
            assertEquals("", source("--version", Map.of()).stderr());
        }
    }

    @Test
    void askingForJemallocFailsWhenItIsMissing() throws Exception {
        Outcome o = source("eval", Map.of("TWIN_MALLOC", "jemalloc"));
        if (JEMALLOC) {
            assertEquals(0, o.exit());
            assertTrue(o.env().get("LD_PRELOAD").contains("jemalloc"), o.env().toString());
        } else {
            assertEquals(2, o.exit());
            assertTrue(o.stderr().contains("libjemalloc.so.2 is not installed"), o.stderr());
        }
    }

    @Test
    void theUsersOwnPreloadAndConfWin() throws Exception {
        Outcome o = source("eval", Map.of("LD_PRELOAD", "/opt/custom/libmalloc.so", "MALLOC_CONF", "narenas:1",
                "MALLOC_MMAP_THRESHOLD_", "65536"));
        assertEquals(0, o.exit());
        assertEquals("/opt/custom/libmalloc.so", o.env().get("LD_PRELOAD"));
        assertEquals("narenas:1", o.env().get("MALLOC_CONF"));
        assertEquals("65536", o.env().get("MALLOC_MMAP_THRESHOLD_"));
    }
}
