package dev.twin.core.device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.twin.core.runtime.DjlRuntime;
import java.util.List;

/**
 * The devices a device-dependent test runs on: "cpu" always, "gpu" (cuda:0) too, skipped by detection (a JUnit
 * assumption whose message says why) when DJL sees no GPU. The same test classes thus qualify a GPU node.
 */
public final class TestDevices {
    public static final String CPU = "cpu";
    public static final String GPU = "gpu";

    private TestDevices() {
    }

    /** Both variants, for a parameterized test's arguments. */
    public static List<String> names() {
        return List.of(CPU, GPU);
    }

    public static int gpuCount() {
        DjlRuntime.configure();
        return Engine.getInstance().getGpuCount();
    }

    /** The DJL device of a variant; for "gpu" without one, skips the test and says why. */
    public static Device require(String name) {
        if (CPU.equals(name)) {
            return Device.cpu();
        }
        int gpus = gpuCount();
        assumeTrue(gpus > 0, "GPU variant skipped: DJL sees no GPU (" + Devices.djlWhyNone() + ")");
        return Device.gpu(0);
    }
}
