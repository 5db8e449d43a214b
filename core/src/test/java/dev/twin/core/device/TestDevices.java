package dev.twin.core.device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.twin.core.runtime.DjlRuntime;
import java.util.List;

/**
 * The devices a device-dependent test runs on: "cpu" always, "gpu" (cuda:0) too where DJL sees a GPU. With
 * {@code -Dtwin.test.gpu=true} (deploy/gpu-check) the GPU variants are there on any machine and, without a usable
 * GPU, skipped by a JUnit assumption that says why; a plain build on a CPU-only machine thus runs no skipped test,
 * and the same test classes qualify a GPU node.
 */
public final class TestDevices {
    public static final String CPU = "cpu";
    public static final String GPU = "gpu";

    private TestDevices() {
    }

    /** The variants to run, for a parameterized test's arguments. */
    public static List<String> names() {
        return Boolean.getBoolean("twin.test.gpu") || gpuCount() > 0 ? List.of(CPU, GPU) : List.of(CPU);
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
