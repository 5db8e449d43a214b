package dev.twin.executor.reject;

/** Why a call was refused; the gRPC layer maps each kind to one status code. */
public enum Rejection {
    /** The request itself is wrong (shape, task, values, chunk order): INVALID_ARGUMENT. */
    INVALID,
    /** The weight set key is not installed (never was, or was evicted): NOT_FOUND. */
    UNKNOWN_KEY,
    /** The bundle is not loaded (yet, or it failed to load): FAILED_PRECONDITION. */
    NOT_READY
}
