package dev.twin.merger.kafka;

/** A twin.routed record that cannot be processed as sent; it goes to the DLQ with this message as the reason. */
public class BadRecordException extends RuntimeException {
    public BadRecordException(String message) {
        super(message);
    }
}
