package dev.twin.executor.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The service booted with a GPU it does not have (cuda:0 on a machine without GPU; one past the last GPU on a GPU
 * node) refuses to start, and the failure names the key, the GPU and why it is missing: no fallback to the CPU.
 */
@QuarkusMainTest
@TestProfile(GpuRequiredTest.MissingGpu.class)
class GpuRequiredTest {

    /**
     * cuda:N with N = the number of NVIDIA GPUs the driver lists, so GPU N is missing here and on any node. (Read
     * from /proc, not from DJL: libtorch loaded in the test's class loader could not load again in the service's.)
     */
    public static class MissingGpu implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(ExecutorDevice.KEY, "cuda:" + missingGpu());
        }
    }

    static int missingGpu() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (!Files.isDirectory(gpus)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(gpus)) {
            return Math.toIntExact(list.count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aMissingGpuStopsTheStartWithTheReason(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();
        String out = result.getOutput() + "\n" + result.getErrorOutput();
        assertEquals(1, result.exitCode(), out);
        int n = missingGpu();
        String reason = ExecutorDevice.KEY + "=cuda:" + n + " asks for GPU " + n + " but DJL";
        assertTrue(out.contains(reason) && out.contains("refusing to start"), "no '" + reason + "' in:\n" + out);
        assertTrue(!out.contains("loaded bundle"), "the bundle was loaded although the device is missing:\n" + out);
    }
}
