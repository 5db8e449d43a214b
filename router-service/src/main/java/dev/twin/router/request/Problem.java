package dev.twin.router.request;

/** The kinds of bad input a request can have; each rejection names one. */
public enum Problem {
    NOT_JSON, NOT_PROTOBUF, UNKNOWN_CONTENT_TYPE, MISSING_ID, UNKNOWN_TASK, WRONG_DATATYPE, WRONG_SHAPE, NOT_FINITE,
    OVERSIZED, UNKNOWN_MODEL,
    /** No task named where the server cannot infer one (grouping "static" runs no router). */
    MISSING_TASK,
    /** A reply-to header naming a topic outside twin.router.reply-to-pattern. */
    BAD_REPLY_TO
}
