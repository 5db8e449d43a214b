package dev.twin.merger.executor;

/** An executor refused a batch or an install as invalid (the record is bad, retrying elsewhere will not help). */
public class BatchRejectedException extends RuntimeException {
    public BatchRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
