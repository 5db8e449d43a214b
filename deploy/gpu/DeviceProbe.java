import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.device.ChosenDevice;
import dev.twin.core.device.Devices;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Architectures;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by deploy/gpu-check: prints the devices DJL (PyTorch) and ONNX Runtime can use here and the device each
 * service would take with device=auto, then a short bench on each DJL device: a matmul (1024x1024 float32) and the
 * executor's factored forward pass (an fashion-mnist-sized MLP 784-256-128 with 8 rank-16 experts, a batch of 64 rows
 * with their own merge weights), best of 20 after 5 warm-ups. Prints "GPU: none (...)" with the reasons when there
 * is no usable GPU, and exits 3 then if the first argument is --require-gpu.
 */
public class DeviceProbe {

    public static void main(String[] args) throws Exception {
        boolean requireGpu = args.length > 0 && args[0].equals("--require-gpu");
        List<String> why = new ArrayList<>();

        DjlRuntime.configure();
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

        ChosenDevice djlAuto = Devices.forDjl("twin.executor.device", "auto");
        ChosenDevice ortAuto = Devices.forOnnx("twin.router.device", "auto");
        System.out.println("device=auto: merger and executor on " + djlAuto + "; router on " + ortAuto);

        for (Device d : devices) {
            benchFactored(d);
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

    /** The executor's hot path on device d: 64 rows, each with its own θ(w) applied factored (no materialization). */
    private static void benchFactored(Device d) {
        Architecture arch = Architectures.create(new ArchitectureSpec("mlp", List.of(784), List.of(256, 128)));
        List<String> tasks = List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
        WeightSet shared = arch.initTrunk(1);
        SplittableRandom rnd = new SplittableRandom(3);
        Map<String, Map<String, CompressedTensor>> exclusive = new LinkedHashMap<>();
        for (String t : tasks) {
            Map<String, CompressedTensor> parts = new LinkedHashMap<>();
            arch.trunkShapes().forEach((name, shape) -> parts.put(name, shape.length >= 2
                    ? new LowRank(shape, shape[0], (int) (FloatTensor.numel(shape) / shape[0]), 16,
                    gauss(rnd, shape[0] * 16), gauss(rnd, 16), gauss(rnd, (int) (FloatTensor.numel(shape) / shape[0]) * 16))
                    : new Dense(new FloatTensor(shape, gauss(rnd, (int) FloatTensor.numel(shape))))));
            exclusive.put(t, parts);
        }
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        tasks.forEach(t -> heads.put(t, new WeightSet()));
        int rows = 64;
        try (FactoredExperts fx = new FactoredExperts(new Modularized(tasks, shared, exclusive, heads), d);
             NDManager m = DjlRuntime.newManager(d)) {
            NDArray x = m.create(gauss(rnd, rows * 784), new Shape(rows, 784));
            NDArray w = m.create(gauss(rnd, rows * tasks.size()), new Shape(rows, tasks.size()));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 25; i++) {
                long t0 = System.nanoTime();
                try (NDManager scratch = m.newSubManager()) {
                    scratch.tempAttachAll(x, w);
                    arch.features(fx.layers(w), x).toType(DataType.FLOAT32, false).getFloat(0, 0);
                }
                if (i >= 5) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
            }
            System.out.printf("bench %s: factored forward, MLP 784-256-128, 8 rank-16 experts, %d rows best %.2f ms"
                    + " (%.0f rows/s)%n", d, rows, best, rows / (best / 1e3));
        }
    }

    private static float[] gauss(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.05 * (rnd.nextDouble() * 2 - 1));
        }
        return v;
    }
}
