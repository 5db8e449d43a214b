package dev.twin.executor.reject;

/** A refused request with a message that names the problem (tensor, task, row or key). */
public final class RejectedException extends RuntimeException {
    private final Rejection kind;

    public RejectedException(Rejection kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static RejectedException invalid(String message) {
        return new RejectedException(Rejection.INVALID, message);
    }

    public Rejection kind() {
        return kind;
    }
}
