package dev.twin.proto.failure;

import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.ModelInferResponse;
import java.nio.charset.StandardCharsets;

/**
 * The OIP answer of a failed request, written to the caller's results topic so that a Kafka client learns of the
 * failure where it waits for its answer: in JSON {@code {"model_name", "id", "error", "parameters": {"error_stage",
 * "error_code"}}} (the OIP REST error field plus the response's id), in protobuf a ModelInferResponse with the id, no
 * outputs and parameters {@code error}, {@code error_stage}, {@code error_code}. The record's headers carry the same
 * (see {@link FailureHeaders}).
 */
public record ErrorResult(String model, String requestId, String stage, String code, String reason) {
    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";

    public ErrorResult {
        model = model == null ? "" : model;
        requestId = requestId == null ? "" : requestId;
        stage = stage == null ? "" : stage;
        code = code == null ? "INTERNAL" : code;
        reason = reason == null ? "unknown" : reason;
    }

    public byte[] encode(boolean protobuf) {
        return protobuf ? protobuf() : json();
    }

    public String contentType(boolean protobuf) {
        return protobuf ? PROTOBUF : JSON;
    }

    byte[] json() {
        String s = "{\"model_name\":" + quote(model) + ",\"id\":" + quote(requestId) + ",\"error\":" + quote(reason)
                + ",\"parameters\":{\"error_stage\":" + quote(stage) + ",\"error_code\":" + quote(code) + "}}";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    byte[] protobuf() {
        return ModelInferResponse.newBuilder().setModelName(model).setId(requestId)
                .putParameters("error", InferParameter.newBuilder().setStringParam(reason).build())
                .putParameters("error_stage", InferParameter.newBuilder().setStringParam(stage).build())
                .putParameters("error_code", InferParameter.newBuilder().setStringParam(code).build())
                .build().toByteArray();
    }

    /** A JSON string literal (RFC 8259 escapes). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
