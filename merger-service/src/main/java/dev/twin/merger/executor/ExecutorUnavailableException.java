package dev.twin.merger.executor;

/** No configured executor could run a batch (each was unreachable); the batch can be redone later. */
public class ExecutorUnavailableException extends RuntimeException {
    public ExecutorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
