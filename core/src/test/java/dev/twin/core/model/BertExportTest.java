package dev.twin.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bert.MiniLm;
import dev.twin.core.onnx.OnnxModels;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXPlaceholder;

/** The exported "bert" trunk run by ONNX Runtime gives the DJL features (the router's 1e-5 parity rule). */
class BertExportTest {

    @BeforeAll
    static void tmpDirExists() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void tinyRandomBertExportMatchesDjl() throws Exception {
        Bert bert = Bert.of(BertConfig.of(8, 2, 2, 16, 20, 10, 2, 1e-12), 6);
        SplittableRandom rng = new SplittableRandom(9);
        WeightSet trunk = new WeightSet();
        bert.trunkShapes().forEach((name, shape) -> {
            FloatTensor t = FloatTensor.zeros(shape);
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] = (float) (0.5 * rng.nextGaussian());
            }
            trunk.put(name, t);
        });
        float[][] rows = {{1, 5, 7, 2, 0, 0, 1, 1, 1, 1, 0, 0}, {1, 19, 3, 4, 11, 2, 1, 1, 1, 1, 1, 1},
            {1, 2, 9, 9, 9, 9, 1, 1, 0, 0, 0, 0}};
        double diff = maxDiff(bert, trunk, rows);
        assertTrue(diff <= 1e-5, "max |onnx - djl| = " + diff);
    }

    @Test
    void miniLmExportMatchesDjl() throws Exception {
        Path dir = MiniLm.dir();
        Bert bert = Bert.of(BertCheckpoint.config(dir), 64);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add("Sentence number " + i + " is " + "quite ".repeat(i * 3) + "long.");
        }
        float[][] rows;
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), 64)) {
            rows = tok.encode(texts).rows();
        }
        double diff = maxDiff(bert, BertCheckpoint.trunk(dir), rows);
        System.out.printf("MiniLM export: max |onnx - djl| = %.3g%n", diff);
        assertTrue(diff <= 1e-5, "max |onnx - djl| = " + diff);
    }

    private static double maxDiff(Bert bert, WeightSet trunk, float[][] rows) throws Exception {
        int n = rows.length;
        int h = bert.featureDim();
        float[] djl;
        try (NDManager m = DjlRuntime.newManager()) {
            djl = bert.features(Params.toNd(m, trunk), m.create(rows)).toFloatArray();
        }
        ONNXContext ctx = new ONNXContext();
        ONNXPlaceholder input = ctx.floatInput("input", rows[0].length);
        ONNXPlaceholder output = ctx.floatOutput("features", h);
        bert.exportFeatures(ctx, input, trunk).assignTo(output);
        OnnxMl.ModelProto model = OnnxModels.builder(ctx).build();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double diff = 0;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(model.toByteArray(), opts);
                 OnnxTensor in = OnnxTensor.createTensor(env, rows);
                 OrtSession.Result r = s.run(Map.of("input", in))) {
                float[][] out = (float[][]) r.get("features").orElseThrow().getValue();
                assertEquals(n, out.length);
                for (int b = 0; b < n; b++) {
                    for (int j = 0; j < h; j++) {
                        diff = Math.max(diff, Math.abs(out[b][j] - djl[b * h + j]));
                    }
                }
            }
        }
        return diff;
    }
}
