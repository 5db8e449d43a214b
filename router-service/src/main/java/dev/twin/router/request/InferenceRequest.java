package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.OriginalRequest;

/**
 * One validated inference request: a non-empty id (the client's, or one the router made for a REST/gRPC call
 * without one), the named head or null, {@code rowCount} input rows of the bundle's input size as one little-endian
 * float32 block of finite values ({@code rows}: OIP raw contents as they came, or the parsed values encoded once),
 * the encoding the answer must use, and the results topic to answer on (null: the default). Once accepted for
 * routing it also carries the router's {@code correlation} and the {@code original} request as the client sent it
 * (both null until then), and the W3C traceparent of its span in the router ("" when tracing is off), carried per
 * item to the later stages.
 */
public record InferenceRequest(String id, String task, int rowCount, ByteString rows, Encoding encoding,
                               String replyTo, String correlation, OriginalRequest original, String traceparent) {

    public InferenceRequest(String id, String task, int rowCount, ByteString rows, Encoding encoding, String replyTo) {
        this(id, task, rowCount, rows, encoding, replyTo, null, null, "");
    }

    /** This request as routed: answered on {@code replyTo}, correlated by the router, carrying the original. */
    public InferenceRequest deliver(String correlation, String replyTo, OriginalRequest original) {
        return new InferenceRequest(id, task, rowCount, rows, encoding, replyTo, correlation, original, traceparent);
    }

    /** This request as traced by the span whose W3C traceparent is given. */
    public InferenceRequest withTraceparent(String value) {
        return new InferenceRequest(id, task, rowCount, rows, encoding, replyTo, correlation, original, value);
    }

    /** The input values, rows × input size (decoded from the block; for the router call and tests). */
    public float[] values() {
        return Fp32.decode(rows);
    }
}
