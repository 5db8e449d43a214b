package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.UUID;

/** Checks shared by both encodings: id, model name, task, datatype, shape, finiteness, size. */
final class Checks {
    static final String FP32 = "FP32";
    static final String BYTES = "BYTES";

    private Checks() {
    }

    static void size(RequestSpec spec, long bytes) {
        if (bytes > spec.maxPayloadBytes()) {
            throw new BadRequestException(Problem.OVERSIZED, "payload of " + bytes + " bytes exceeds the limit of "
                    + spec.maxPayloadBytes() + " bytes");
        }
    }

    /**
     * The request's id. A Kafka request must bring one (its result is correlated by it); a synchronous REST/gRPC
     * call without one gets a fresh UUID, which its response carries.
     */
    static String id(String id, boolean required) {
        if (id == null || id.isBlank()) {
            if (required) {
                throw new BadRequestException(Problem.MISSING_ID, "request has no 'id' (needed to correlate its result)");
            }
            return UUID.randomUUID().toString();
        }
        return id;
    }

    /** An empty or null name means "the default model". */
    static void model(RequestSpec spec, String name, String id) {
        if (name != null && !name.isEmpty() && !name.equals(spec.modelName())) {
            throw new BadRequestException(Problem.UNKNOWN_MODEL, "request " + id + ": unknown model '" + name
                    + "' (this server serves '" + spec.modelName() + "')");
        }
    }

    /** Null or empty: no task named (null returned), unless the spec requires one. */
    static String task(RequestSpec spec, String task, String id) {
        if (task == null || task.isEmpty()) {
            if (spec.taskRequired()) {
                throw new BadRequestException(Problem.MISSING_TASK, "request " + id + ": no parameter 'task', and this "
                        + "server runs no router to infer one (grouping 'static'); name one of " + spec.tasks());
            }
            return null;
        }
        if (!spec.tasks().contains(task)) {
            throw new BadRequestException(Problem.UNKNOWN_TASK, "request " + id + ": unknown task '" + task
                    + "' (tasks: " + spec.tasks() + ")");
        }
        return task;
    }

    /** FP32 always; BYTES (one UTF-8 text) too when the model reads text. Returns true for BYTES. */
    static boolean datatypeOrText(RequestSpec spec, String datatype, String id) {
        if (spec.text() != null && BYTES.equals(datatype)) {
            return true;
        }
        if (!FP32.equals(datatype)) {
            throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": input datatype is '"
                    + datatype + "', expected " + (spec.text() != null ? FP32 + " (the model's " + spec.inputSize()
                    + " values) or " + BYTES + " (one UTF-8 text)" : FP32));
        }
        return false;
    }

    /** A text input holds exactly one element (shape [1], [1,1], ...). */
    static void textShape(List<Long> shape, String id) {
        if (shape.isEmpty() || shape.stream().anyMatch(d -> d != 1)) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": a BYTES input holds one text, "
                    + "shape [1], got " + shape);
        }
    }

    /** The model's row for one text. */
    static float[] text(RequestSpec spec, String text, String id) {
        float[] x = spec.text().encode(text);
        length(spec, x.length, id);
        return x;
    }

    static void inputCount(int count, String id) {
        if (count != 1) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": expected exactly 1 input tensor, got "
                    + count);
        }
    }

    /**
     * Rows of an FP32 input of this shape: 1 when the shape holds exactly the bundle's input size (any positive dims,
     * e.g. [784], [1,784], [1,28,28]); N for a batch [N, ...] whose other dims hold the input size ([N,784],
     * [N,28,28]).
     */
    static int rows(RequestSpec spec, List<Long> shape, String id) {
        long n = 1;
        long tail = 1;
        for (int i = 0; i < shape.size(); i++) {
            long d = shape.get(i);
            if (d < 1) {
                throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": shape " + shape
                        + " has a non-positive dimension");
            }
            n = capped(n, d);
            tail = i == 0 ? 1 : capped(tail, d);
        }
        if (!shape.isEmpty() && n == spec.inputSize()) {
            return 1;
        }
        if (shape.size() >= 2 && tail == spec.inputSize() && n <= Integer.MAX_VALUE) {
            return Math.toIntExact(shape.get(0));
        }
        throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": shape " + shape + " holds "
                + (n > Integer.MAX_VALUE ? "too many" : String.valueOf(n)) + " values, the model takes "
                + spec.inputSize() + " per row (shape [" + spec.inputSize() + "] or a batch [N, " + spec.inputSize()
                + "])");
    }

    /** a·d, or 2³¹ once it passes Integer.MAX_VALUE (a dimension near Long.MAX_VALUE must not wrap it around). */
    private static long capped(long a, long d) {
        long cap = Integer.MAX_VALUE + 1L;
        return d > cap / a ? cap : Math.min(a * d, cap);
    }

    static void length(RequestSpec spec, long values, String id) {
        length(spec, values, 1, id);
    }

    /** The data must hold exactly rows × input size values. */
    static void length(RequestSpec spec, long values, int rows, String id) {
        long expected = (long) rows * spec.inputSize();
        if (values != expected) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": input has " + values
                    + " values, the model takes " + spec.inputSize() + (rows == 1 ? "" : " per row, " + expected
                    + " for the " + rows + " rows of its shape"));
        }
    }

    /** {@code firstBad}: index of the first non-finite value or -1. */
    static void finite(int firstBad, float value, String id) {
        if (firstBad >= 0) {
            throw new BadRequestException(Problem.NOT_FINITE, "request " + id + ": input value " + firstBad + " is "
                    + value + " (values must be finite FP32)");
        }
    }

    static void finite(ByteString block, String id) {
        int bad = Fp32.firstNonFinite(block);
        if (bad >= 0) {
            finite(bad, Fp32.view(block).get(bad), id);
        }
    }

    static void finite(float[] x, String id) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                finite(i, x[i], id);
            }
        }
    }
}
