package dev.twin.executor.execute;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.executor.model.LoadedModel;
import dev.twin.executor.model.ModelHolder;
import dev.twin.executor.weights.Lease;
import dev.twin.executor.weights.WeightStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a batch with an installed weight set: the rows of each task go through the bundle's architecture in one
 * forward pass with that task's head from the bundle. Answers come back in the order of the rows.
 */
@ApplicationScoped
public class BatchExecutor {
    private final ModelHolder holder;
    private final WeightStore store;

    public BatchExecutor(ModelHolder holder, WeightStore store) {
        this.holder = holder;
        this.store = store;
    }

    public List<OutputRow> execute(String key, List<InputRow> rows) {
        LoadedModel model = holder.require();
        BatchCheck.check(model, key, rows);
        // rows grouped by task, so that each head reads one contiguous slice of the features
        Map<String, List<Integer>> byTask = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byTask.computeIfAbsent(rows.get(i).task(), t -> new ArrayList<>()).add(i);
        }
        List<Integer> order = new ArrayList<>(rows.size());
        byTask.values().forEach(order::addAll);
        OutputRow[] out = new OutputRow[rows.size()];
        try (Lease lease = store.lease(key)) {
            run(model, lease.params(), rows, order, byTask, out);
        }
        return Arrays.asList(out);
    }

    /** One trunk pass over every row (the trunk is the cluster's, whatever the task), then each task's head. */
    private static void run(LoadedModel model, Map<String, NDArray> weights, List<InputRow> rows, List<Integer> order,
                            Map<String, List<Integer>> byTask, OutputRow[] out) {
        int dim = model.inputDim();
        int n = order.size();
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(order.get(i)).values(), 0, x, i * dim, dim);
        }
        NDManager m = weights.values().iterator().next().getManager();
        // the scope frees every intermediate, whichever manager DJL attached it to
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray features = model.architecture().features(weights, m.create(x, new Shape(n, dim)));
            int start = 0;
            for (Map.Entry<String, List<Integer>> e : byTask.entrySet()) {
                List<Integer> idx = e.getValue();
                Map<String, NDArray> head = model.head(e.getKey());
                NDArray f = features.get(start + ":" + (start + idx.size()));
                // logits = f · Wᵀ + b with the task's own head
                NDArray y = f.matMul(head.get("head." + e.getKey() + ".weight").transpose())
                        .add(head.get("head." + e.getKey() + ".bias"));
                int classes = Math.toIntExact(y.getShape().get(1));
                float[] logits = y.toFloatArray();
                for (int i = 0; i < idx.size(); i++) {
                    float[] row = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
                    InputRow r = rows.get(idx.get(i));
                    out[idx.get(i)] = new OutputRow(r.requestId(), r.task(), row, argMax(row));
                }
                start += idx.size();
            }
        }
    }

    /** Index of the largest value, the lower index on a tie. */
    static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
