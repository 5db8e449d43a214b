package dev.twin.merger.kafka;

import dev.twin.merger.tracing.ItemSpans;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import org.apache.kafka.common.header.Headers;

/** A polled twin.routed record with its checked batch, its items' outcomes (shared by every attempt) and their spans. */
record Parsed(KafkaRecord<String, byte[]> record, Headers headers, Checked checked, ItemOutcomes outcomes,
              ItemSpans spans) {

    /** A record whose items are not traced. */
    Parsed(KafkaRecord<String, byte[]> record, Headers headers, Checked checked) {
        this(record, headers, checked, new ItemOutcomes(checked.batch().getItemsCount()),
                ItemSpans.none(checked.batch().getItemsCount()));
    }
}
