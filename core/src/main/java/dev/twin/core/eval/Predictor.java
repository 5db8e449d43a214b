package dev.twin.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.model.Architecture;
import dev.twin.core.suite.Split;
import java.util.Map;

/** Batched inference of one task head: class predictions and accuracy. */
final class Predictor {
    private static final int BATCH = 2048;

    private Predictor() {
    }

    /** argmax of head {@code task} for rows [from, from + n) of a flat [*, dim] input. */
    static int[] predict(Architecture arch, Map<String, NDArray> params, String task, float[] x, int dim, int from,
                         int n) {
        int[] out = new int[n];
        NDManager m = params.values().iterator().next().getManager();
        for (int start = 0; start < n; start += BATCH) {
            int b = Math.min(BATCH, n - start);
            try (NDManager scratch = m.newSubManager()) {
                // results attach to their first operand's manager: lend the weights to scratch so nothing outlives it
                scratch.tempAttachAll(params.values().toArray(NDArray[]::new));
                float[] chunk = new float[b * dim];
                System.arraycopy(x, (from + start) * dim, chunk, 0, b * dim);
                NDArray in = scratch.create(chunk, new Shape(b, dim));
                long[] arg = arch.logits(params, task, in).argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    out[start + i] = (int) arg[i];
                }
            }
        }
        return out;
    }

    /** Accuracy in [0,1] of head {@code task} on a whole split. */
    static double accuracy(Architecture arch, Map<String, NDArray> params, String task, Split s) {
        return accuracy(arch, params, task, s, s.n());
    }

    /** Accuracy on the first {@code limit} rows of a split. */
    static double accuracy(Architecture arch, Map<String, NDArray> params, String task, Split s, int limit) {
        int n = Math.min(limit, s.n());
        int[] pred = predict(arch, params, task, s.x(), s.dim(), 0, n);
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (pred[i] == s.y()[i]) {
                ok++;
            }
        }
        return n == 0 ? 0 : (double) ok / n;
    }
}
