package dev.twin.executor.grpc;

import dev.twin.executor.execute.InputRow;
import dev.twin.executor.execute.OutputRow;
import dev.twin.executor.weights.Chunk;
import dev.twin.proto.executor.Row;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.executor.WeightChunk;

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

    static InputRow row(Row r) {
        float[] v = new float[r.getValuesCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.getValues(i);
        }
        return new InputRow(r.getRequestId(), r.getTask(), v);
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
