package dev.twin.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear probe: the head {@code head.<task>.weight} [C, d] / {@code .bias} [C] fitted by full-batch Adam on
 * cross-entropy over fixed features (the frozen trunk's), starting from zero. It gives the baseline an expert must
 * beat: "pretrained encoder + its own head" ({@code twin recipe}).
 */
public final class HeadFit {
    private HeadFit() {
    }

    /**
     * @param features [n, d] row-major
     * @param labels   n classes in [0, classes)
     */
    public static WeightSet fit(String task, float[] features, int[] labels, int d, int classes, double lr,
                                int steps) {
        int n = labels.length;
        if ((long) n * d != features.length || n == 0) {
            throw new IllegalArgumentException("head fit of task '" + task + "': " + n + " labels need [" + n + ", "
                    + d + "] features, got " + features.length + " floats");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("head fit of task '" + task + "': label " + labels[i]
                        + " of row " + i + " is outside 0.." + (classes - 1));
            }
        }
        WeightSet head = new WeightSet();
        head.put("head." + task + ".weight", FloatTensor.zeros(new int[] {classes, d}));
        head.put("head." + task + ".bias", FloatTensor.zeros(new int[] {classes}));
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, head);
            NDArray x = m.create(features, new Shape(n, d));
            NDArray y = m.create(labels).oneHot(classes);
            NDArray w = p.get("head." + task + ".weight");
            NDArray b = p.get("head." + task + ".bias");
            try (AdamW adam = new AdamW(new LinkedHashMap<>(p), 0)) {
                for (int s = 0; s < steps; s++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            // L = −(1/n) Σ_i log softmax(x_i·Wᵀ + b)[y_i]
                            NDArray loss = x.matMul(w.transpose()).add(b).logSoftmax(1).mul(y).sum().div(-n);
                            gc.backward(loss);
                        }
                        adam.step(lr);
                    }
                }
            }
            return Params.fromNd(p);
        }
    }
}
