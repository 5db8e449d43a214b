package dev.twin.core.device;

import ai.djl.Device;

/**
 * The device a service runs on ({@code cpu} or {@code cuda:N}; {@code gpuIndex} -1 for the CPU) and why it was
 * chosen, for the start-up log and the readiness data.
 */
public record ChosenDevice(int gpuIndex, String reason) {
    public static ChosenDevice cpu(String reason) {
        return new ChosenDevice(-1, reason);
    }

    public boolean gpu() {
        return gpuIndex >= 0;
    }

    /** DJL's device of the same name. */
    public Device djl() {
        return gpu() ? Device.gpu(gpuIndex) : Device.cpu();
    }

    /** "cpu" or "cuda:N". */
    public String name() {
        return gpu() ? "cuda:" + gpuIndex : "cpu";
    }

    @Override
    public String toString() {
        return name() + " (" + reason + ")";
    }
}
