package dev.twin.router.request;

/** A request that cannot be served, with its kind and a human-readable reason (sent to the DLQ or the caller). */
public final class BadRequestException extends RuntimeException {
    private final Problem problem;

    public BadRequestException(Problem problem, String reason) {
        super(reason);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
