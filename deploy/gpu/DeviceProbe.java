import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by deploy/gpu-check: prints the devices DJL (PyTorch) and ONNX Runtime can use here, then a short matmul
 * bench on each DJL device (1024x1024 float32, best of 20 after 5 warm-ups). Prints "GPU: none (...)" with the
 * reasons when there is no usable GPU, and exits 3 then if the first argument is --require-gpu.
 */
public class DeviceProbe {

    public static void main(String[] args) throws Exception {
        boolean requireGpu = args.length > 0 && args[0].equals("--require-gpu");
        List<String> why = new ArrayList<>();

        Engine torch = Engine.getEngine("PyTorch");
        int djlGpus = torch.getGpuCount();
        System.out.printf("DJL: PyTorch %s, CUDA runtime seen by DJL: %s, GPUs: %d%n",
                torch.getVersion(), CudaUtils.hasCuda() ? "yes" : "no", djlGpus);
        if (djlGpus == 0) {
            why.add(CudaUtils.hasCuda()
                    ? "DJL loaded a CPU libtorch although CUDA is present (set PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR=cu128)"
                    : "DJL sees no CUDA runtime");
        }
        List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
        for (int i = 0; i < djlGpus; i++) {
            devices.add(Device.gpu(i));
            System.out.printf("DJL device %s%n", Device.gpu(i));
        }

        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        System.out.printf("ONNX Runtime %s, providers compiled in: %s%n", ort.getVersion(), OrtEnvironment.getAvailableProviders());
        boolean ortCuda;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(0);
            ortCuda = true;
            System.out.println("ONNX Runtime CUDA provider: usable on device 0");
        } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
            ortCuda = false;
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            why.add("ONNX Runtime CUDA provider unusable: " + reason);
            System.out.println("ONNX Runtime CUDA provider: unusable (" + reason + ")");
        }

        for (Device d : devices) {
            try (NDManager m = NDManager.newBaseManager(d)) {
                NDArray a = m.randomUniform(0f, 1f, new Shape(1024, 1024));
                NDArray b = m.randomUniform(0f, 1f, new Shape(1024, 1024));
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 25; i++) {
                    long t0 = System.nanoTime();
                    try (NDArray c = a.matMul(b)) {
                        c.getFloat(0, 0); // waits for the device
                    }
                    if (i >= 5) {
                        best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                    }
                }
                System.out.printf("bench %s: 1024x1024 f32 matmul best %.2f ms (%.0f GFLOP/s)%n",
                        d, best, 2.0 * 1024 * 1024 * 1024 / (best * 1e6));
            }
        }

        if (djlGpus > 0 && ortCuda) {
            System.out.println("GPU: " + djlGpus + " device(s), usable by DJL and ONNX Runtime");
        } else if (djlGpus > 0 || ortCuda) {
            System.out.println("GPU: partly usable (" + String.join("; ", why) + ")");
        } else {
            System.out.println("GPU: none (" + String.join("; ", why) + ")");
        }
        if (requireGpu && !(djlGpus > 0 && ortCuda)) {
            System.exit(3);
        }
    }
}
