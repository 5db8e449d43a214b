package dev.twin.router.request;

/** The kinds of bad input a request can have; each rejection names one. */
public enum Problem {
    NOT_JSON, NOT_PROTOBUF, UNKNOWN_CONTENT_TYPE, MISSING_ID, UNKNOWN_TASK, WRONG_DATATYPE, WRONG_SHAPE, NOT_FINITE,
    OVERSIZED, UNKNOWN_MODEL,
    /** A synchronous call whose id is already waiting for a result. */
    DUPLICATE_ID
}
