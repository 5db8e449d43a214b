package dev.twin.merger.kafka;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import org.apache.kafka.common.header.Headers;

/** A polled twin.routed record with its checked batch. */
record Parsed(KafkaRecord<String, byte[]> record, Headers headers, Checked checked) {
}
