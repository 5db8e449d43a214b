package dev.twin.core.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bert.MiniLm;
import dev.twin.core.model.Bert;
import dev.twin.core.router.RouterConfig;
import dev.twin.core.router.RouterModel;
import dev.twin.core.router.RouterOnnx;
import dev.twin.core.router.RouterSession;
import dev.twin.core.router.RouterTrainer;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text router (TWIN-MERGING.md "The router" for a bert bundle): features of the validation texts computed with
 * the shared trunk (MiniLM) by the bundler's chunked path, the router MLP trained on them, then ONE ONNX model
 * mapping [N, 2L] ids+mask to T logits. ONNX Runtime on that model must agree with DJL (trunk features → MLP) to 1e-5.
 */
class TextRouterParityTest {
    static final int L = 16;
    static final List<String> TASKS = List.of("animals", "code", "weather");

    /** Texts of three recognisable kinds; 300 items in all so the bundler's 256-row feature chunks are crossed. */
    static List<String> texts(int task, int n) {
        String[] a = {"The cat chased a mouse", "A dog barked at the horse", "Birds nest in the old oak",
                "The cow grazed near the goat", "Fish swim past the frog"};
        String[] b = {"The function returns a pointer", "Compile the module with flags", "The loop frees each buffer",
                "This syscall closes a descriptor", "Parse the header into a struct"};
        String[] c = {"Heavy rain falls tonight", "A cold wind blows from the north", "Sunny skies by noon",
                "Snow covers the hills", "Thunder rolled over the valley"};
        String[][] all = {a, b, c};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all[task][i % 5] + " number " + i + (i % 3 == 0 ? ", again and again." : "."));
        }
        return out;
    }

    static Split rows(BertTokenizer tok, List<String> texts) {
        float[][] r = tok.encode(texts).rows();
        float[] x = new float[r.length * 2 * L];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(r[i], 0, x, i * 2 * L, 2 * L);
        }
        return new Split(x, new int[r.length], r.length, 2 * L);
    }

    @Test
    void onnxRouterMatchesDjlOnSharedTrunkFeatures() throws Exception {
        Path dir = MiniLm.dir();
        Bert bert = Bert.of(BertCheckpoint.config(dir), L);
        WeightSet trunk = BertCheckpoint.trunk(dir);
        List<TaskData> tasks = new ArrayList<>();
        Split probe;
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), L)) {
            for (int t = 0; t < TASKS.size(); t++) {
                Split v = rows(tok, texts(t, 100));
                tasks.add(new TaskData(TASKS.get(t), 2, v, v, v));
            }
            List<String> mixed = new ArrayList<>();
            for (int t = 0; t < TASKS.size(); t++) {
                mixed.addAll(texts(t, 7).subList(2, 7));
            }
            mixed.add("A sentence about nothing in particular, long enough to be cut at sixteen tokens for sure.");
            probe = rows(tok, mixed);
        }
        SuiteBundler.RouterData data = SuiteBundler.routerData(bert, trunk, tasks);
        assertEquals(300 * bert.featureDim(), data.features().length);
        RouterModel router = RouterTrainer.train(data.features(), data.labels(), bert.featureDim(), TASKS,
                new RouterConfig(5e-4, 32, 6, 0.2, 7));
        byte[] onnx = RouterOnnx.export(router, bert, trunk);

        // DJL reference: the same trunk's mean-pooled features of the probe rows, then the router MLP
        List<TaskData> probeTask = List.of(new TaskData("probe", 2, probe, probe, probe));
        float[] features = SuiteBundler.routerData(bert, trunk, probeTask).features();
        float[][] djl = router.logits(features, probe.n());
        try (RouterSession s = RouterSession.load(onnx)) {
            assertEquals(TASKS, s.tasks());
            assertEquals(2 * L, s.inputSize());
            float[][] ort = s.logits(probe.x(), probe.n());
            double maxDiff = 0;
            int agree = 0;
            for (int i = 0; i < probe.n(); i++) {
                for (int t = 0; t < TASKS.size(); t++) {
                    maxDiff = Math.max(maxDiff, Math.abs(djl[i][t] - ort[i][t]));
                }
                if (i < 15 && argMax(ort[i]) == i / 5) {
                    agree++;
                }
            }
            assertTrue(maxDiff <= 1e-5, "max |DJL − ONNX| router logits = " + maxDiff);
            // the three kinds are easy to tell apart on MiniLM features: the router really routes
            assertTrue(agree >= 14, "router picked the right task for " + agree + " of 15 probe texts");
        }
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
