package dev.twin.core.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.model.Bert;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Manual measurement, not part of the test suite: import time of all-MiniLM-L6-v2 (into a fresh directory) and the
 * DJL "bert" forward throughput at batch 32, L = 64 (threads: -Dai.djl.pytorch.num_threads, default all cores).
 * Run: java -cp core/target/classes:core/target/test-classes:$(cat cp.txt) dev.twin.core.bert.BertTiming
 */
public final class BertTiming {
    private BertTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path fresh = Files.createTempDirectory("minilm-timing").resolve("model");
        long t0 = System.nanoTime();
        MiniLm.dir(fresh);
        System.out.printf("import (sha256 + copy + parse + transpose + write): %.2f s%n", (System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        MiniLm.dir(fresh);
        System.out.printf("cache hit (sha256 known in this JVM): %.3f s%n", (System.nanoTime() - t1) / 1e9);
        int l = 64;
        int batch = 32;
        TokenBatch tokens;
        try (BertTokenizer tok = BertTokenizer.open(fresh.resolve(MiniLm.TOKENIZER_FILE), l)) {
            List<String> texts = Sentences.make(batch);
            long t2 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                tokens = tok.encode(texts);
            }
            System.out.printf("tokenize: %.0f sentences/s%n", 20 * batch / ((System.nanoTime() - t2) / 1e9));
            tokens = tok.encode(texts);
        }
        Bert bert = Bert.of(BertCheckpoint.config(fresh), l);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, BertCheckpoint.trunk(fresh));
            float[][] rows = tokens.rows();
            for (int i = 0; i < 3; i++) {
                forward(bert, params, m, rows);
            }
            int reps = 10;
            long t3 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                forward(bert, params, m, rows);
            }
            double s = (System.nanoTime() - t3) / 1e9;
            System.out.printf("DJL bert forward, batch %d, L %d, %s threads: %.1f ms/batch, %.0f sentences/s%n",
                    batch, l, System.getProperty("ai.djl.pytorch.num_threads"), 1000 * s / reps, reps * batch / s);
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(fresh.getParent());
    }

    private static void forward(Bert bert, Map<String, NDArray> params, NDManager m, float[][] rows) {
        try (NDManager sub = m.newSubManager()) {
            bert.features(params, sub.create(rows)).toFloatArray();
        }
    }
}
