package dev.twin.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.twin.core.onnx.OnnxModels;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.WeightSet;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXPlaceholder;

/** The exported ONNX trunk, run by ONNX Runtime, must give the same features as the DJL forward pass. */
class ExportFeaturesTest {

    @BeforeAll
    static void tmpDirExists() throws Exception {
        // ONNX Runtime unpacks its native library under java.io.tmpdir, which the build points at target/tmp
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void mlpExportMatchesDjl() throws Exception {
        compare(new Mlp(new ArchitectureSpec("mlp", List.of(1, 6, 6), List.of(20, 12))), 7);
    }

    @Test
    void cnnExportMatchesDjl() throws Exception {
        compare(new Cnn(new ArchitectureSpec("cnn", List.of(1, 28, 28), List.of(4, 6, 10))), 5);
    }

    @Test
    void cnnWithChannelsAndOddSizesMatchesDjl() throws Exception {
        compare(new Cnn(new ArchitectureSpec("cnn", List.of(3, 9, 7), List.of(2, 5, 4))), 4);
    }

    private static void compare(Architecture arch, int batch) throws Exception {
        int dim = ParamCheck.prod(arch.inputShape());
        WeightSet trunk = arch.initTrunk(11);
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[batch * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 2);
        }
        float[] djl;
        try (NDManager m = DjlRuntime.newManager()) {
            djl = arch.features(Params.toNd(m, trunk), m.create(x, new Shape(batch, dim))).toFloatArray();
        }

        ONNXContext ctx = new ONNXContext();
        ONNXPlaceholder input = ctx.floatInput("input", dim);
        ONNXPlaceholder output = ctx.floatOutput("features", arch.featureDim());
        arch.exportFeatures(ctx, input, trunk).assignTo(output);
        OnnxMl.ModelProto model = OnnxModels.builder(ctx).build();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] ort;
        try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, dim});
             OrtSession.Result r = s.run(Map.of("input", in))) {
            float[][] out = (float[][]) r.get("features").orElseThrow().getValue();
            assertEquals(batch, out.length);
            ort = new float[batch * arch.featureDim()];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(out[i], 0, ort, i * arch.featureDim(), arch.featureDim());
            }
        }
        assertEquals(djl.length, ort.length);
        int nonZero = 0;
        for (int i = 0; i < djl.length; i++) {
            assertEquals(djl[i], ort[i], 1e-5, "feature " + i);
            if (djl[i] != 0) {
                nonZero++;
            }
        }
        // a comparison of all-zero (dead ReLU) outputs would prove nothing
        assertEquals(true, nonZero > djl.length / 5, "non-zero features: " + nonZero + " of " + djl.length);
    }
}
