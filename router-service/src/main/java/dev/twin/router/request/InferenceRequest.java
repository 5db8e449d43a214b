package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import dev.twin.proto.routed.Encoding;

/**
 * One validated inference request: a non-empty id (the client's, or one the router made for a REST/gRPC call
 * without one), the named head or null, {@code rowCount} input rows of the bundle's input size as one little-endian
 * float32 block of finite values ({@code rows}: OIP raw contents as they came, or the parsed values encoded once),
 * the encoding the answer must use, the results topic to answer on (null: the default), and the W3C traceparent of
 * its span in the router ("" when tracing is off), carried per item to the later stages.
 */
public record InferenceRequest(String id, String task, int rowCount, ByteString rows, Encoding encoding,
                               String replyTo, String traceparent) {

    /** A request not traced (yet). */
    public InferenceRequest(String id, String task, int rowCount, ByteString rows, Encoding encoding, String replyTo) {
        this(id, task, rowCount, rows, encoding, replyTo, "");
    }

    /** This request as traced by the span whose W3C traceparent is given. */
    public InferenceRequest withTraceparent(String value) {
        return new InferenceRequest(id, task, rowCount, rows, encoding, replyTo, value);
    }

    /** The input values, rows × input size (decoded from the block; for the router call and tests). */
    public float[] values() {
        return Fp32.decode(rows);
    }
}
