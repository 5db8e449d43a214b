package dev.twin.router.sync;

/** No result reached twin.results for a synchronous call within the sync timeout. */
public final class ResultTimeoutException extends RuntimeException {
    public ResultTimeoutException(String message) {
        super(message);
    }
}
