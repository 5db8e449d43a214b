package dev.twin.executor.grpc;

import dev.twin.executor.execute.ExecuteBatch;
import dev.twin.executor.execute.InputRow;
import dev.twin.executor.execute.OutputRow;
import dev.twin.executor.weights.Chunk;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.executor.WeightChunk;
import java.util.ArrayList;
import java.util.List;

/** Conversions between the executor's protobuf messages and its own records (primitive copies, no boxing). */
final class Messages {
    private Messages() {
    }

    static Chunk chunk(WeightChunk c) {
        int[] shape = new int[c.getShapeCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = c.getShape(i);
        }
        float[] data = new float[c.getDataCount()];
        for (int i = 0; i < data.length; i++) {
            data[i] = c.getData(i);
        }
        return new Chunk(c.getKey(), c.getTensor(), shape, c.getOffset(), data, c.getLast());
    }

    /** The batch with read-only views of the request's byte blocks (no copy; the executor decodes them once). */
    static ExecuteBatch batch(ExecuteRequest r) {
        List<InputRow> rows = new ArrayList<>(r.getRowsCount());
        for (Row row : r.getRowsList()) {
            rows.add(new InputRow(row.getRequestId(), row.getTask()));
        }
        return new ExecuteBatch(r.getKey(), rows, r.getInputs().asReadOnlyByteBuffer(),
                r.getWeights().asReadOnlyByteBuffer());
    }

    static RowResult result(OutputRow o) {
        RowResult.Builder b = RowResult.newBuilder().setRequestId(o.requestId()).setTask(o.task())
                .setPredicted(o.predicted());
        for (float v : o.logits()) {
            b.addLogits(v);
        }
        return b.build();
    }
}
