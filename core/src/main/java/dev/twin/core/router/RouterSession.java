package dev.twin.core.router;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.twin.core.device.DeviceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported router ({@link RouterOnnx}) on ONNX Runtime: raw inputs [n, inputSize] → logits [n, T], and turns
 * logits into merge weights with {@link #softmax}. Not thread-safe to close while in use; {@link #logits} itself may be
 * called from several threads (ONNX Runtime sessions are).
 */
public final class RouterSession implements AutoCloseable {
    private final OrtSession session;
    private final List<String> tasks;
    private final int inputSize;
    private final String origin;

    private RouterSession(OrtSession session, String origin) throws OrtException {
        this.session = session;
        this.origin = origin;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo in = inputs.get(RouterOnnx.INPUT);
        if (in == null || !(in.getInfo() instanceof TensorInfo ti) || ti.getShape().length != 2) {
            throw new IllegalArgumentException("router model " + origin + " has no 2-D float input '"
                    + RouterOnnx.INPUT + "' (inputs: " + inputs.keySet() + ")");
        }
        this.inputSize = Math.toIntExact(ti.getShape()[1]);
        if (!session.getOutputNames().contains(RouterOnnx.OUTPUT)) {
            throw new IllegalArgumentException("router model " + origin + " has no output '" + RouterOnnx.OUTPUT
                    + "' (outputs: " + session.getOutputNames() + ")");
        }
        String meta = session.getMetadata().getCustomMetadata().get(RouterOnnx.TASKS_KEY);
        if (meta == null || meta.isEmpty()) {
            throw new IllegalArgumentException("router model " + origin + " has no '" + RouterOnnx.TASKS_KEY
                    + "' metadata");
        }
        this.tasks = List.of(meta.split(",", -1));
    }

    public static RouterSession load(byte[] onnx) {
        return load(onnx, 0);
    }

    /**
     * A session whose ONNX Runtime intra-op pool has {@code intraOpThreads} threads (0: ONNX Runtime's default, one
     * per core). With an explicit count, idle pool threads do not spin, so a small router leaves the cores to the
     * services beside it.
     */
    public static RouterSession load(byte[] onnx, int intraOpThreads) {
        return load(onnx, intraOpThreads, -1);
    }

    /**
     * As {@link #load(byte[], int)}, on ONNX Runtime's CUDA execution provider for GPU {@code cudaDevice} (-1: the
     * CPU). A GPU that cannot be used is an error with ONNX Runtime's reason, never a CPU session.
     */
    public static RouterSession load(byte[] onnx, int intraOpThreads, int cudaDevice) {
        if (onnx == null || onnx.length == 0) {
            throw new IllegalArgumentException("router model bytes are empty");
        }
        try {
            OrtEnvironment env = environment();
            OrtSession.SessionOptions o = options(intraOpThreads);
            if (cudaDevice < 0) {
                return open(env.createSession(onnx, o), "(in memory)");
            }
            try {
                o.addCUDA(cudaDevice);
                return open(env.createSession(onnx, o), "(in memory) on cuda:" + cudaDevice);
            } catch (OrtException e) {
                // the GPU was asked for: no CPU session instead
                throw new DeviceUnavailableException("cannot open the router on cuda:" + cudaDevice + ": "
                        + e.getMessage());
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot load router model (in memory)"
                    + (cudaDevice >= 0 ? " on cuda:" + cudaDevice : "") + ": " + e.getMessage(), e);
        }
    }

    public static RouterSession load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read router model " + path + ": " + e.getMessage(), e);
        }
        try {
            OrtEnvironment env = environment();
            return open(env.createSession(bytes, options(0)), path.toString());
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot load router model " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * ONNX Runtime unpacks its native library into java.io.tmpdir on first use and fails obscurely when that directory
     * is missing (the build points it at target/tmp), so create it first.
     */
    public static OrtEnvironment environment() {
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null && !tmp.isEmpty()) {
            try {
                Files.createDirectories(Path.of(tmp));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create java.io.tmpdir " + tmp + " for ONNX Runtime", e);
            }
        }
        return OrtEnvironment.getEnvironment();
    }

    private static RouterSession open(OrtSession s, String origin) throws OrtException {
        try {
            return new RouterSession(s, origin);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions options(int intraOpThreads) throws OrtException {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("ONNX Runtime intra-op threads must be >= 0, got " + intraOpThreads);
        }
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (intraOpThreads > 0) {
            o.setIntraOpNumThreads(intraOpThreads);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        return o;
    }

    /** Task names in logit order, from the model's metadata. */
    public List<String> tasks() {
        return tasks;
    }

    /** Size of one flattened input row. */
    public int inputSize() {
        return inputSize;
    }

    /** Logits [n][T] of n input rows ({@code input} is [n, inputSize] row-major). */
    public float[][] logits(float[] input, int n) {
        if (input == null || n < 1 || (long) n * inputSize != input.length) {
            throw new IllegalArgumentException("router " + origin + " expects input [n=" + n + ", " + inputSize
                    + "] = " + ((long) Math.max(n, 0) * inputSize) + " floats, got "
                    + (input == null ? "null" : input.length + " floats (" + describe(input.length) + ")"));
        }
        OrtEnvironment env = environment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {n, inputSize});
             OrtSession.Result r = session.run(Map.of(RouterOnnx.INPUT, x))) {
            return (float[][]) r.get(RouterOnnx.OUTPUT).orElseThrow().getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("router " + origin + " failed on a batch of " + n + ": " + e.getMessage(), e);
        }
    }

    private String describe(int length) {
        return length % inputSize == 0 ? length / inputSize + " rows of " + inputSize
                : "not a multiple of " + inputSize;
    }

    /**
     * Merge weights w = softmax(logits / temperature), computed stably as exp(zᵢ − max z)/Σ exp(zⱼ − max z) in double.
     */
    public static float[] softmax(float[] logits, double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("softmax temperature must be a positive finite number, got " + temperature);
        }
        if (logits == null || logits.length == 0) {
            throw new IllegalArgumentException("softmax of an empty logit vector");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            if (!Float.isFinite(l)) {
                throw new IllegalArgumentException("softmax: logits contain " + l + ": " + Arrays.toString(logits));
            }
            max = Math.max(max, l / temperature);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] / temperature - max);
            sum += e[i];
        }
        float[] w = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            w[i] = (float) (e[i] / sum);
        }
        return w;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close router session " + origin + ": " + e.getMessage(), e);
        }
    }
}
