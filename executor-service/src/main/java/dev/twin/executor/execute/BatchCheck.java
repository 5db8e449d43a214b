package dev.twin.executor.execute;

import dev.twin.executor.model.LoadedModel;
import dev.twin.executor.reject.RejectedException;
import java.util.Arrays;

/**
 * Rejects a batch the model cannot run, naming the row, its request id or the block and the problem. Values are not
 * scanned: the router validated them (shape, finiteness) and the blocks travel in the record formats the stack owns.
 */
final class BatchCheck {
    private BatchCheck() {
    }

    static void check(LoadedModel model, ExecuteBatch batch) {
        String what = batch.key().isEmpty() ? "the shared expert" : "'" + batch.key() + "'";
        int n = batch.rows().size();
        if (n == 0) {
            throw RejectedException.invalid("execute request on " + what + " has no rows");
        }
        for (int i = 0; i < n; i++) {
            InputRow r = batch.rows().get(i);
            if (r.requestId() == null || r.requestId().isEmpty()) {
                throw RejectedException.invalid("row " + i + " has no request id");
            }
            String where = "row " + i + " (request '" + r.requestId() + "')";
            if (r.task() == null || r.task().isEmpty()) {
                throw RejectedException.invalid(where + " names no task (known: " + model.tasks() + ")");
            }
            if (model.head(r.task()) == null) {
                throw RejectedException.invalid(where + ": unknown task '" + r.task() + "' (known: " + model.tasks()
                        + ")");
            }
        }
        long inputBytes = (long) n * model.inputDim() * Float.BYTES;
        if (batch.inputs().remaining() != inputBytes) {
            throw RejectedException.invalid("inputs carry " + batch.inputs().remaining() + " bytes but " + n
                    + " rows × " + model.inputDim() + " floats (input shape "
                    + Arrays.toString(model.architecture().inputShape()) + ") need " + inputBytes);
        }
        long weightBytes = (long) n * model.tasks().size() * Float.BYTES;
        if (batch.weighted() && batch.weights().remaining() != weightBytes) {
            throw RejectedException.invalid("weights carry " + batch.weights().remaining() + " bytes but " + n
                    + " rows × " + model.tasks().size() + " tasks " + model.tasks() + " need " + weightBytes);
        }
    }
}
