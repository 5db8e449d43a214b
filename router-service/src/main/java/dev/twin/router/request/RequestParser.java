package dev.twin.router.request;

import dev.twin.proto.inference.ModelInferRequest;

/**
 * Turns one inference request in either encoding into a validated {@link InferenceRequest}, or throws a
 * {@link BadRequestException} naming what is wrong. Validation happens here once; later stages trust the routed
 * record. A Kafka request must carry an id; a REST/gRPC call without one gets a UUID.
 */
public final class RequestParser {
    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";

    private final RequestSpec spec;

    public RequestParser(RequestSpec spec) {
        this.spec = spec;
    }

    public RequestSpec spec() {
        return spec;
    }

    /**
     * A Kafka record value by its content-type header (parameters such as "; charset=utf-8" are ignored).
     *
     * @param replyTo the reply-to header or null
     */
    public InferenceRequest parse(byte[] body, String contentType, String replyTo) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        String reply = replyTo == null || replyTo.isBlank() ? null : replyTo;
        if (reply != null && !spec.allowsReplyTo(reply)) {
            // a reply-to header steers where answers are written: only results topics are allowed
            throw new BadRequestException(Problem.BAD_REPLY_TO, "reply-to topic '" + reply + "' is not allowed "
                    + "(it must be a legal Kafka topic name matching " + spec.replyTo().pattern()
                    + ", set by twin.router.reply-to-pattern)");
        }
        if (body == null) {
            body = new byte[0];
        }
        return switch (type) {
            case JSON -> JsonRequests.parse(spec, body, null, reply, true);
            case PROTOBUF -> ProtoRequests.parse(spec, body, reply);
            default -> throw new BadRequestException(Problem.UNKNOWN_CONTENT_TYPE, contentType == null
                    ? "no content-type header (expected " + JSON + " or " + PROTOBUF + ")"
                    : "unknown content type '" + contentType + "' (expected " + JSON + " or " + PROTOBUF + ")");
        };
    }

    /** A REST body for POST /v2/models/{model}/infer (without an id, the router makes one). */
    public InferenceRequest parseRest(String modelName, byte[] body) {
        Checks.model(spec, modelName, "(path)");
        return JsonRequests.parse(spec, body == null ? new byte[0] : body, modelName, null, false);
    }

    /** A gRPC ModelInfer message (without an id, the router makes one). */
    public InferenceRequest parseGrpc(ModelInferRequest msg) {
        return ProtoRequests.validate(spec, msg, null, false);
    }
}
