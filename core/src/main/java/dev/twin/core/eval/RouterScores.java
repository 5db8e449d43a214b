package dev.twin.core.eval;

import dev.twin.core.router.RouterSession;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import java.util.List;

/** The router run over every test input through ONNX Runtime, as the router-service runs it. */
record RouterScores(float[][][] weights, double accuracy) {
    private static final int BATCH = 1024;

    static RouterScores score(byte[] routerOnnx, List<TaskData> tasks, double temperature) {
        float[][][] w = new float[tasks.size()][][];
        long right = 0;
        long total = 0;
        try (RouterSession session = RouterSession.load(routerOnnx)) {
            for (int t = 0; t < tasks.size(); t++) {
                Split test = tasks.get(t).test();
                w[t] = new float[test.n()][];
                for (int start = 0; start < test.n(); start += BATCH) {
                    int b = Math.min(BATCH, test.n() - start);
                    float[] x = new float[b * test.dim()];
                    System.arraycopy(test.x(), start * test.dim(), x, 0, x.length);
                    float[][] logits = session.logits(x, b);
                    for (int i = 0; i < b; i++) {
                        w[t][start + i] = RouterSession.softmax(logits[i], temperature);
                        if (argmax(logits[i]) == t) {
                            right++;
                        }
                        total++;
                    }
                }
            }
        }
        return new RouterScores(w, total == 0 ? 0 : (double) right / total);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
