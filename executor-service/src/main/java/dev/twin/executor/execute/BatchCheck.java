package dev.twin.executor.execute;

import dev.twin.executor.model.LoadedModel;
import dev.twin.executor.reject.RejectedException;
import java.util.List;

/** Rejects a batch the model cannot run, naming the row, its request id and the problem. */
final class BatchCheck {
    private BatchCheck() {
    }

    static void check(LoadedModel model, String key, List<InputRow> rows) {
        if (key == null || key.isEmpty()) {
            throw RejectedException.invalid("execute request has no weight set key");
        }
        if (rows.isEmpty()) {
            throw RejectedException.invalid("execute request for '" + key + "' has no rows");
        }
        for (int i = 0; i < rows.size(); i++) {
            InputRow r = rows.get(i);
            String where = "row " + i + " (request '" + r.requestId() + "')";
            if (r.requestId() == null || r.requestId().isEmpty()) {
                throw RejectedException.invalid("row " + i + " has no request id");
            }
            if (r.task() == null || r.task().isEmpty()) {
                throw RejectedException.invalid(where + " names no task (known: " + model.tasks() + ")");
            }
            if (model.head(r.task()) == null) {
                throw RejectedException.invalid(where + ": unknown task '" + r.task() + "' (known: " + model.tasks()
                        + ")");
            }
            if (r.values().length != model.inputDim()) {
                throw RejectedException.invalid(where + " has " + r.values().length + " input values but the model "
                        + "expects " + model.inputDim() + " (input shape "
                        + java.util.Arrays.toString(model.architecture().inputShape()) + ")");
            }
            float[] v = r.values();
            for (int j = 0; j < v.length; j++) {
                if (!Float.isFinite(v[j])) {
                    throw RejectedException.invalid(where + ": input value " + j + " is " + v[j]);
                }
            }
        }
    }
}
