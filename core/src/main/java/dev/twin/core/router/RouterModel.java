package dev.twin.core.router;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A trained router: the MLP of {@link RouterMlp} mapping trunk features [n, inputDim] to task logits [n, T].
 *
 * <p>Weight names (d = inputDim, h = 2d): {@code router.0.weight} [h, d], {@code router.0.bias} [h];
 * {@code router.1.{gamma,beta,running_mean,running_var}} [h]; {@code router.2.weight} [h, h], {@code router.2.bias};
 * {@code router.3.*} [h]; {@code router.4.weight} [T, h], {@code router.4.bias} [T].
 *
 * @param tasks             task names, index = logit index
 * @param inputDim          d, the feature size
 * @param weights           the tensors above
 * @param heldOutAccuracy   accuracy on the held-out split of the epoch that was kept
 */
public record RouterModel(List<String> tasks, int inputDim, WeightSet weights, double heldOutAccuracy) {

    public RouterModel {
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException("router needs at least one task");
        }
        tasks = List.copyOf(tasks);
        if (new HashSet<>(tasks).size() != tasks.size()) {
            throw new IllegalArgumentException("router task names must be distinct: " + tasks);
        }
        if (inputDim < 1) {
            throw new IllegalArgumentException("router input dimension must be >= 1, got " + inputDim);
        }
        if (weights == null) {
            throw new IllegalArgumentException("router weights are null");
        }
        WeightSet expected = RouterMlp.shapes(inputDim, tasks.size());
        for (Map.Entry<String, FloatTensor> e : expected.asMap().entrySet()) {
            if (!weights.contains(e.getKey())) {
                throw new IllegalArgumentException("router weights lack '" + e.getKey() + "' (have " + weights.names() + ")");
            }
            FloatTensor t = weights.get(e.getKey());
            if (!t.sameShape(e.getValue())) {
                throw new IllegalArgumentException("router tensor '" + e.getKey() + "' has shape " + t.shapeString()
                        + ", expected " + e.getValue().shapeString() + " for d=" + inputDim + ", T=" + tasks.size());
            }
        }
        if (!(heldOutAccuracy >= 0 && heldOutAccuracy <= 1)) {
            throw new IllegalArgumentException("router held-out accuracy must be in [0, 1], got " + heldOutAccuracy);
        }
    }

    public int numTasks() {
        return tasks.size();
    }

    /** Storage of the router weights in float32. */
    public long bytes() {
        return 4L * weights.numel();
    }

    /**
     * Logits of n feature rows ({@code features} is [n, inputDim] row-major), computed in DJL in inference mode:
     * BatchNorm with the running statistics, dropout off.
     */
    public float[][] logits(float[] features, int n) {
        if (n < 0 || features == null || (long) n * inputDim != features.length) {
            throw new IllegalArgumentException("router expects features [n=" + n + ", " + inputDim + "] = "
                    + ((long) Math.max(n, 0) * inputDim) + " floats, got "
                    + (features == null ? "null" : features.length + " floats"));
        }
        int t = tasks.size();
        float[][] out = new float[n][t];
        if (n == 0) {
            return out;
        }
        try (NDManager manager = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(manager, weights);
            NDArray x = manager.create(features, new Shape(n, inputDim));
            float[] flat = RouterMlp.forward(params, x, false).toFloatArray();
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * t, out[i], 0, t);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "RouterModel[tasks=" + tasks + ", d=" + inputDim + ", heldOutAccuracy=" + heldOutAccuracy
                + ", tensors=" + Arrays.toString(weights.names().toArray()) + "]";
    }
}
