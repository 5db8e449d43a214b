package dev.twin.core.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Done-when of the BERT runtime: the DJL "bert" forward over the imported all-MiniLM-L6-v2 weights and ONNX
 * Runtime over the original ONNX give the same mean-pooled sentence embeddings (max abs difference ≤ 1e-4).
 */
class MiniLmParityTest {
    private static final int L = 64;
    private static final int N = 128;
    private static final int BATCH = 32;

    @Test
    void djlBertMatchesOnnxRuntimeOnTheOriginalModel() throws Exception {
        long t0 = System.nanoTime();
        Path dir = MiniLm.dir();
        System.out.printf("import / cache check: %.2f s%n", (System.nanoTime() - t0) / 1e9);
        BertConfig config = BertConfig.read(dir);
        List<String> texts = Sentences.make(N);
        TokenBatch tokens;
        try (BertTokenizer tok = BertTokenizer.open(dir.resolve(MiniLm.TOKENIZER_FILE), L)) {
            tokens = tok.encode(texts);
        }
        int truncated = 0;
        int shortest = L;
        for (int b = 0; b < N; b++) {
            truncated += tokens.tokens(b) == L ? 1 : 0;
            shortest = Math.min(shortest, tokens.tokens(b));
        }
        assertTrue(truncated >= 10, "some sentences reach the max length, got " + truncated);
        assertEquals(2, shortest, "the empty text is [CLS] [SEP]");

        float[][] expected = onnxRuntimeMeanPooled(dir.resolve(MiniLm.ONNX_FILE), tokens);

        Architecture bert = Architectures.create(config.toSpec(L));
        float[][] rows = tokens.rows();
        double maxDiff = 0;
        double maxAbs = 0;
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, BertCheckpoint.trunk(dir));
            for (int from = 0; from < N; from += BATCH) {
                try (NDManager sub = m.newSubManager()) {
                    float[][] chunk = java.util.Arrays.copyOfRange(rows, from, Math.min(N, from + BATCH));
                    float[] f = bert.features(params, sub.create(chunk)).toFloatArray();
                    for (int b = 0; b < chunk.length; b++) {
                        for (int j = 0; j < config.hiddenSize(); j++) {
                            float got = f[b * config.hiddenSize() + j];
                            maxDiff = Math.max(maxDiff, Math.abs(got - expected[from + b][j]));
                            maxAbs = Math.max(maxAbs, Math.abs(expected[from + b][j]));
                        }
                    }
                }
            }
        }
        System.out.printf("max |djl - ort| = %.3g over %d sentences (max |embedding| %.3g)%n", maxDiff, N, maxAbs);
        assertTrue(maxAbs > 0.1, "embeddings are not trivially small");
        assertTrue(maxDiff <= 1e-4, "max abs difference " + maxDiff + " > 1e-4");
    }

    /** ONNX Runtime on the original file; output_0 [B, L, 384] mean-pooled with the mask here, in double. */
    private static float[][] onnxRuntimeMeanPooled(Path onnx, TokenBatch tokens) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int n = tokens.size();
        float[][] out = new float[n][];
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx.toString(), opts)) {
                for (int from = 0; from < n; from += BATCH) {
                    int to = Math.min(n, from + BATCH);
                    long[][] ids = java.util.Arrays.copyOfRange(tokens.ids(), from, to);
                    long[][] mask = java.util.Arrays.copyOfRange(tokens.mask(), from, to);
                    long[][] types = new long[to - from][L];
                    try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
                         OnnxTensor a = OnnxTensor.createTensor(env, mask);
                         OnnxTensor t = OnnxTensor.createTensor(env, types);
                         OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", a,
                                 "token_type_ids", t))) {
                        float[][][] states = (float[][][]) r.get("output_0").orElseThrow().getValue();
                        for (int b = 0; b < to - from; b++) {
                            out[from + b] = meanPool(states[b], mask[b]);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static float[] meanPool(float[][] states, long[] mask) {
        double[] sum = new double[states[0].length];
        int count = 0;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] == 1) {
                count++;
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += states[t][j];
                }
            }
        }
        float[] r = new float[sum.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = (float) (sum[j] / count);
        }
        return r;
    }
}
