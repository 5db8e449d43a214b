package dev.twin.core.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.util.onnx.ONNXOperators;

/** The deployed router (trunk + MLP in one ONNX model on ONNX Runtime) against the DJL path. */
class RouterOnnxParityTest {
    static final int IN = 12;
    static final int F = 8;
    static final List<String> TASKS = List.of("alpha", "beta", "gamma");
    static final TinyArchitecture ARCH = new TinyArchitecture(IN, F);
    static WeightSet trunk;
    static RouterModel router;
    static byte[] onnx;

    /** DJL: the architecture's features of x [n, IN]. */
    static float[] djlFeatures(float[] x, int n) {
        try (NDManager m = DjlRuntime.newManager()) {
            return ARCH.features(Params.toNd(m, trunk), m.create(x, new Shape(n, IN))).toFloatArray();
        }
    }

    /** Task t draws x ~ N(μ_t, 1) with a random μ_t per task. */
    static float[] inputs(int n, int[] labels, long seed) {
        Random r = new Random(seed);
        Random centers = new Random(3);
        float[][] mu = new float[TASKS.size()][];
        for (int t = 0; t < mu.length; t++) {
            mu[t] = TinyArchitecture.gaussian(centers, IN, 1.5);
        }
        float[] x = new float[n * IN];
        for (int i = 0; i < n; i++) {
            int t = i % TASKS.size();
            if (labels != null) {
                labels[i] = t;
            }
            for (int j = 0; j < IN; j++) {
                x[i * IN + j] = (float) (mu[t][j] + r.nextGaussian());
            }
        }
        return x;
    }

    @BeforeAll
    static void trainAndExport() {
        trunk = ARCH.initTrunk(42);
        int n = 300;
        int[] labels = new int[n];
        float[] x = inputs(n, labels, 1);
        router = RouterTrainer.train(djlFeatures(x, n), labels, F, TASKS, new RouterConfig(5e-3, 32, 5, 0.2, 3));
        onnx = RouterOnnx.export(router, ARCH, trunk);
    }

    @Test
    void onnxRuntimeMatchesDjlWithTrainedBatchNorm() {
        // the running statistics are far from their initial (0, 1), so inference-mode BatchNorm matters
        assertTrue(RouterTrainerTest.maxAbs(router.weights().get("router.1.running_mean").data()) > 0.05);
        assertTrue(RouterTrainerTest.maxAbs(router.weights().get("router.3.running_mean").data()) > 0.05);
        int n = 80;
        float[] x = inputs(n, null, 77);
        float[][] djl = router.logits(djlFeatures(x, n), n);
        try (RouterSession s = RouterSession.load(onnx)) {
            float[][] ort = s.logits(x, n);
            assertEquals(n, ort.length);
            double maxDiff = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(TASKS.size(), ort[i].length);
                for (int t = 0; t < TASKS.size(); t++) {
                    maxDiff = Math.max(maxDiff, Math.abs(djl[i][t] - ort[i][t]));
                }
            }
            assertTrue(maxDiff <= 1e-5, "max |DJL − ONNX| = " + maxDiff);
            assertEquals(TASKS, s.tasks());
            assertEquals(IN, s.inputSize());
        }
    }

    @Test
    void loadsFromAFileToo() throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        Path file = Files.createTempFile(dir, "router", ".onnx");
        file.toFile().deleteOnExit();
        Files.write(file, onnx);
        float[] x = inputs(4, null, 5);
        try (RouterSession a = RouterSession.load(file); RouterSession b = RouterSession.load(onnx)) {
            float[][] la = a.logits(x, 4);
            float[][] lb = b.logits(x, 4);
            for (int i = 0; i < 4; i++) {
                for (int t = 0; t < TASKS.size(); t++) {
                    assertEquals(lb[i][t], la[i][t], 0f);
                }
            }
            assertEquals(TASKS, a.tasks());
        }
    }

    @Test
    void modelHasTheDeclaredStructure() throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(onnx);
        assertEquals(8, m.getIrVersion());
        assertEquals(ONNXOperators.getOpsetVersion(), m.getOpsetImport(0).getVersion());
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("logits", m.getGraph().getOutput(0).getName());
        assertEquals(IN, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals(TASKS.size(), m.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals("tasks", m.getMetadataProps(0).getKey());
        assertEquals("alpha,beta,gamma", m.getMetadataProps(0).getValue());
        Set<String> ops = new HashSet<>();
        long bn = m.getGraph().getNodeList().stream().filter(nd -> nd.getOpType().equals("BatchNormalization")).count();
        m.getGraph().getNodeList().forEach(nd -> ops.add(nd.getOpType()));
        assertTrue(ops.containsAll(Set.of("Gemm", "Relu", "BatchNormalization", "LeakyRelu")), ops.toString());
        assertEquals(2, bn);
        assertTrue(!ops.contains("Dropout"), "dropout must not be exported");
    }

    @Test
    void rejectsBadShapesAndNames() {
        try (RouterSession s = RouterSession.load(onnx)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.logits(new float[30], 3));
            assertTrue(e.getMessage().contains("[n=3, 12]") && e.getMessage().contains("36")
                    && e.getMessage().contains("30 floats"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouterOnnx.export(router, new TinyArchitecture(IN, F + 1), trunk));
        assertTrue(e.getMessage().contains("9 features") && e.getMessage().contains("expects 8"), e.getMessage());
        RouterModel comma = new RouterModel(List.of("a,b", "c", "d"), F, router.weights(), 0.5);
        e = assertThrows(IllegalArgumentException.class, () -> RouterOnnx.export(comma, ARCH, trunk));
        assertTrue(e.getMessage().contains("'a,b'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RouterSession.load(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("cannot load router model"), e.getMessage());
    }
}
