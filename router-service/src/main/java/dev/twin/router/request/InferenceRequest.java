package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import dev.twin.proto.routed.Encoding;

/**
 * One validated inference request: a non-empty id (the client's, or one the router made for a REST/gRPC call
 * without one), the named head or null, {@code rowCount} input rows of the bundle's input size as one little-endian
 * float32 block of finite values ({@code rows}: OIP raw contents as they came, or the parsed values encoded once),
 * the encoding the answer must use, and the results topic to answer on (null: the default).
 */
public record InferenceRequest(String id, String task, int rowCount, ByteString rows, Encoding encoding,
                               String replyTo) {

    /** The input values, rows × input size (decoded from the block; for the router call and tests). */
    public float[] values() {
        return Fp32.decode(rows);
    }
}
