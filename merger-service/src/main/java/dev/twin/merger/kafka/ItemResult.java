package dev.twin.merger.kafka;

import dev.twin.proto.routed.Encoding;

/** The answer to one routed item, ready to encode. */
public record ItemResult(String requestId, String task, Encoding encoding, String replyTo, float[] logits,
                         int predicted) {
}
