package dev.twin.router.sync;

import com.google.protobuf.ByteString;
import dev.twin.proto.routed.OriginalHeader;
import dev.twin.proto.routed.OriginalRequest;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;

/** A synchronous call as the client sent it (for a later stage's dead letter), and how a failure code maps back. */
public final class SyncOriginals {
    private SyncOriginals() {
    }

    /** Key = the request id, value = the REST body or the ModelInferRequest bytes, header content-type. */
    public static OriginalRequest of(String id, ByteString value, String contentType) {
        return OriginalRequest.newBuilder().setKey(ByteString.copyFromUtf8(id)).setValue(value)
                .addHeaders(OriginalHeader.newBuilder().setKey("content-type")
                        .setValue(ByteString.copyFrom(contentType, StandardCharsets.UTF_8)))
                .build();
    }

    /** The gRPC status of a failure code name (unknown names: INTERNAL). */
    public static Status status(String code) {
        try {
            return Status.fromCode(Status.Code.valueOf(code));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Status.INTERNAL;
        }
    }

    /** The HTTP status the OIP REST endpoint answers for a failure code name. */
    public static int httpStatus(String code) {
        return switch (status(code).getCode()) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }
}
