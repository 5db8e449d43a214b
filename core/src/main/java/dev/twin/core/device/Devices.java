package dev.twin.core.device;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.twin.core.router.RouterSession;
import dev.twin.core.runtime.DjlRuntime;

/**
 * Resolves a {@link DeviceSetting} against the GPUs an engine sees: DJL's PyTorch engine (merger, executor) or ONNX
 * Runtime's CUDA execution provider (router). auto takes GPU 0 when there is one, else the CPU; cuda:N without GPU N
 * throws {@link DeviceUnavailableException} with the reason (never a silent fallback to the CPU).
 */
public final class Devices {
    private Devices() {
    }

    /**
     * The rule itself, on hand-given facts: {@code gpus} GPUs seen by {@code engine}, and when none, why not.
     *
     * @param key the config key (named in the error)
     */
    public static ChosenDevice resolve(String key, DeviceSetting setting, int gpus, String engine, String whyNone) {
        if (gpus < 0) {
            throw new IllegalArgumentException("GPU count must be >= 0, got " + gpus);
        }
        return switch (setting.kind()) {
            case CPU -> ChosenDevice.cpu(key + "=cpu");
            case AUTO -> gpus > 0
                    ? new ChosenDevice(0, key + "=auto and " + engine + " sees " + gpus + " GPU(s)")
                    : ChosenDevice.cpu(key + "=auto and " + engine + " sees no GPU: " + whyNone);
            case CUDA -> {
                if (setting.index() >= gpus) {
                    throw new DeviceUnavailableException(key + "=" + setting + " asks for GPU " + setting.index()
                            + " but " + engine + " sees " + (gpus == 0 ? "no GPU (" + whyNone + ")" : gpus
                            + " GPU(s), cuda:0 to cuda:" + (gpus - 1)) + "; refusing to start (set " + key
                            + "=auto or cpu to run without it)");
                }
                yield new ChosenDevice(setting.index(), key + "=" + setting + ", " + engine + " sees " + gpus
                        + " GPU(s)");
            }
        };
    }

    /** For the DJL services: resolves the setting against {@code Engine.getInstance().getGpuCount()}. */
    public static ChosenDevice forDjl(String key, String value) {
        DeviceSetting setting = DeviceSetting.parse(key, value);
        if (setting.kind() == DeviceSetting.Kind.CPU) {
            return resolve(key, setting, 0, "DJL", "not asked");
        }
        DjlRuntime.configure();
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        return resolve(key, setting, gpus, "DJL (" + engine.getEngineName() + " " + engine.getVersion() + ")",
                djlWhyNone());
    }

    /** Why DJL sees no GPU, in words an operator can act on. */
    public static String djlWhyNone() {
        return CudaUtils.hasCuda()
                ? "a CUDA runtime is present but libtorch is the CPU build (set PYTORCH_LIBRARY_PATH to a CUDA"
                + " libtorch, PYTORCH_FLAVOR=cu128; see deploy/README.md)"
                : "no CUDA runtime found (no NVIDIA GPU or driver on this machine)";
    }

    /**
     * For the router: ONNX Runtime has no device count, so a usable CUDA execution provider counts as GPUs up to the
     * asked index (the session on that device then confirms it, or the start fails with ONNX Runtime's reason).
     */
    public static ChosenDevice forOnnx(String key, String value) {
        DeviceSetting setting = DeviceSetting.parse(key, value);
        if (setting.kind() == DeviceSetting.Kind.CPU) {
            return resolve(key, setting, 0, "ONNX Runtime", "not asked");
        }
        String whyNot = onnxCudaUnusable(Math.max(0, setting.index()));
        int gpus = whyNot == null ? Math.max(1, setting.index() + 1) : 0;
        return resolve(key, setting, gpus, "ONNX Runtime (CUDA execution provider)", whyNot);
    }

    /** Null when ONNX Runtime's CUDA execution provider takes device {@code index}, else why not. */
    public static String onnxCudaUnusable(int index) {
        RouterSession.environment(); // its native library needs java.io.tmpdir to exist
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA execution provider (build with -Pgpu for onnxruntime_gpu)";
        }
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(index);
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return "ONNX Runtime's CUDA execution provider is unusable: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
        }
    }
}
