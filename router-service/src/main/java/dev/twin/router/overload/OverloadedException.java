package dev.twin.router.overload;

/**
 * A bound was reached (pending synchronous calls, queued rows): the caller is refused at once with the reason
 * (gRPC RESOURCE_EXHAUSTED, HTTP 429) instead of being buffered without limit.
 */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message);
    }
}
