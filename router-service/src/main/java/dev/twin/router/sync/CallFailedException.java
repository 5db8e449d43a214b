package dev.twin.router.sync;

/**
 * A stage after the router failed the request (its error result reached this router's reply topic): the caller gets
 * the stage's reason at once, with the gRPC status code the stage named (INVALID_ARGUMENT, UNAVAILABLE, ...).
 */
public final class CallFailedException extends RuntimeException {
    private final String code;
    private final String stage;

    public CallFailedException(String stage, String code, String reason) {
        super(reason);
        this.stage = stage;
        this.code = code;
    }

    public String code() {
        return code;
    }

    public String stage() {
        return stage;
    }
}
