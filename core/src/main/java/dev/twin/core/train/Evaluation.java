package dev.twin.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.tensor.WeightSet;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Batched inference of one task head (no gradients): predictions and accuracy, from a weight set or from parameters
 * already on a DJL manager (a materialized θ(w)). Each batch runs in an {@link NDScope}, so no intermediate outlives
 * it whatever manager its operands live on.
 */
public final class Evaluation {
    private static final int BATCH = 1024;

    private Evaluation() {
    }

    /** Fraction of rows whose arg-max logit of head {@code task} equals the label. */
    public static double accuracy(Architecture arch, WeightSet weights, String task, Split split) {
        String head = "head." + task + ".";
        WeightSet used = weights.filter(n -> n.startsWith("trunk.") || n.startsWith(head));
        try (NDManager m = DjlRuntime.newManager()) {
            return accuracy(arch, Params.toNd(m, used), task, split, split.n());
        }
    }

    /** Accuracy on the first {@code limit} rows of a split. */
    public static double accuracy(Architecture arch, Map<String, NDArray> params, String task, Split split, int limit) {
        int n = Math.min(limit, split.n());
        if (n == 0) {
            throw new IllegalArgumentException("task '" + task + "': cannot measure accuracy on an empty split");
        }
        int[] pred = predict(arch, params, task, split.x(), split.dim(), 0, n);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (pred[i] == split.y()[i]) {
                correct++;
            }
        }
        return (double) correct / n;
    }

    /** Arg-max class of head {@code task} for every row of split. */
    public static int[] predict(Architecture arch, WeightSet weights, String task, Split split) {
        String head = "head." + task + ".";
        WeightSet used = weights.filter(n -> n.startsWith("trunk.") || n.startsWith(head));
        try (NDManager m = DjlRuntime.newManager()) {
            return predict(arch, Params.toNd(m, used), task, split.x(), split.dim(), 0, split.n());
        }
    }

    /** Logits of head {@code task} for rows [from, from + n) of a flat [*, dim] input, one array per row. */
    public static float[][] logits(Architecture arch, Map<String, NDArray> params, String task, float[] x, int dim,
                                   int from, int n) {
        float[][] out = new float[n][];
        NDManager m = params.values().iterator().next().getManager();
        for (int start = 0; start < n; start += BATCH) {
            int size = Math.min(BATCH, n - start);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray in = m.create(FloatBuffer.wrap(x, (from + start) * dim, size * dim).slice(),
                        new Shape(size, dim));
                NDArray y = arch.logits(params, task, in);
                int classes = Math.toIntExact(y.getShape().get(1));
                float[] flat = y.toFloatArray();
                for (int i = 0; i < size; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                }
            }
        }
        return out;
    }

    /** Arg-max class of head {@code task} for rows [from, from + n) of a flat [*, dim] input. */
    public static int[] predict(Architecture arch, Map<String, NDArray> params, String task, float[] x, int dim,
                                int from, int n) {
        int[] out = new int[n];
        NDManager m = params.values().iterator().next().getManager();
        for (int start = 0; start < n; start += BATCH) {
            int size = Math.min(BATCH, n - start);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray in = m.create(FloatBuffer.wrap(x, (from + start) * dim, size * dim).slice(),
                        new Shape(size, dim));
                long[] arg = arch.logits(params, task, in).argMax(1).toLongArray();
                for (int i = 0; i < size; i++) {
                    out[start + i] = (int) arg[i];
                }
            }
        }
        return out;
    }
}
