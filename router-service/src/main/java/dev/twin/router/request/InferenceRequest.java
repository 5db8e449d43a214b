package dev.twin.router.request;

import dev.twin.proto.routed.Encoding;

/**
 * One validated inference request: a non-empty id, the named head or null, exactly the bundle's input size of finite
 * floats, the encoding the answer must use, and the results topic to answer on (null: the default).
 */
public record InferenceRequest(String id, String task, float[] input, Encoding encoding, String replyTo) {
}
