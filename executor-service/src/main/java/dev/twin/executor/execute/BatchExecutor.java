package dev.twin.executor.execute;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Layers;
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
 * Runs a batch: one trunk pass over every row on its base (the bundle's θ*, or an installed set), with each row's own
 * merge weights applied factored on top when the batch carries them (y = base·x + U·diag(w ⊗ S)·(Vᵀ·x) per weight
 * matrix), then each task's head from the bundle on its rows. Answers come back in the order of the rows.
 */
@ApplicationScoped
public class BatchExecutor {
    private final ModelHolder holder;
    private final WeightStore store;

    public BatchExecutor(ModelHolder holder, WeightStore store) {
        this.holder = holder;
        this.store = store;
    }

    public List<OutputRow> execute(ExecuteBatch batch) {
        LoadedModel model = holder.require();
        BatchCheck.check(model, batch);
        List<InputRow> rows = batch.rows();
        // rows grouped by task, so that each head reads one contiguous slice of the features
        Map<String, List<Integer>> byTask = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byTask.computeIfAbsent(rows.get(i).task(), t -> new ArrayList<>()).add(i);
        }
        int[] order = byTask.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
        OutputRow[] out = new OutputRow[rows.size()];
        if (batch.key().isEmpty()) {
            run(model, model.shared(), batch, order, byTask, out); // θ*: nothing to install
        } else {
            try (Lease lease = store.lease(batch.key())) {
                run(model, lease.params(), batch, order, byTask, out);
            }
        }
        return Arrays.asList(out);
    }

    /** One trunk pass over every row (base + the rows' factored weights, if any), then each task's head. */
    private static void run(LoadedModel model, Map<String, NDArray> base, ExecuteBatch batch, int[] order,
                            Map<String, List<Integer>> byTask, OutputRow[] out) {
        int n = order.length;
        Architecture arch = model.architecture();
        // the scratch manager owns the batch's arrays; the scope frees every intermediate DJL attached elsewhere
        try (NDManager scratch = model.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = scratch.create(RowBlock.direct(batch.inputs(), order, model.inputDim()),
                    new Shape(n, model.inputDim()), DataType.FLOAT32);
            NDArray features;
            if (batch.weighted()) {
                int t = model.tasks().size();
                NDArray w = scratch.create(RowBlock.direct(batch.weights(), order, t), new Shape(n, t),
                        DataType.FLOAT32);
                Layers layers = batch.key().isEmpty() ? model.factored().layers(w) : model.factored().layers(base, w);
                features = arch.features(layers, x);
            } else {
                features = arch.features(base, x);
            }
            int start = 0;
            for (Map.Entry<String, List<Integer>> e : byTask.entrySet()) {
                List<Integer> idx = e.getValue();
                NDArray f = features.get(start + ":" + (start + idx.size()));
                // logits = f · Wᵀ + b with the task's own head
                NDArray y = Architecture.head(model.head(e.getKey()), e.getKey(), f);
                int classes = Math.toIntExact(y.getShape().get(1));
                float[] logits = y.toFloatArray();
                for (int i = 0; i < idx.size(); i++) {
                    float[] row = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
                    InputRow r = batch.rows().get(idx.get(i));
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
