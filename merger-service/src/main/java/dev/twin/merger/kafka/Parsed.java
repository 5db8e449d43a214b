package dev.twin.merger.kafka;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import org.apache.kafka.common.header.Headers;

/** A polled twin.routed record with its checked batch and its items' outcomes (shared by every attempt). */
record Parsed(KafkaRecord<String, byte[]> record, Headers headers, Checked checked, ItemOutcomes outcomes) {

    Parsed(KafkaRecord<String, byte[]> record, Headers headers, Checked checked) {
        this(record, headers, checked, new ItemOutcomes(checked.batch().getItemsCount()));
    }
}
