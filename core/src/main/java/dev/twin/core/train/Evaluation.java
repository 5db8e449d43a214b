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

/** Batched inference of one task head (no gradients): predictions and accuracy on a split. */
public final class Evaluation {
    private static final int BATCH = 1024;

    private Evaluation() {
    }

    /** Fraction of rows whose arg-max logit of head {@code task} equals the label. */
    public static double accuracy(Architecture arch, WeightSet weights, String task, Split split) {
        if (split.n() == 0) {
            throw new IllegalArgumentException("task '" + task + "': cannot measure accuracy on an empty split");
        }
        int[] pred = predict(arch, weights, task, split);
        int correct = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == split.y()[i]) {
                correct++;
            }
        }
        return (double) correct / split.n();
    }

    /** Arg-max class of head {@code task} for every row of split. */
    public static int[] predict(Architecture arch, WeightSet weights, String task, Split split) {
        String head = "head." + task + ".";
        WeightSet used = weights.filter(n -> n.startsWith("trunk.") || n.startsWith(head));
        int[] out = new int[split.n()];
        int dim = split.dim();
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, used);
            for (int start = 0; start < split.n(); start += BATCH) {
                int size = Math.min(BATCH, split.n() - start);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = m.create(FloatBuffer.wrap(split.x(), start * dim, size * dim).slice(),
                            new Shape(size, dim));
                    long[] arg = arch.logits(params, task, x).argMax(1).toLongArray();
                    for (int i = 0; i < size; i++) {
                        out[start + i] = (int) arg[i];
                    }
                }
            }
        }
        return out;
    }
}
