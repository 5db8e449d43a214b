package dev.twin.proto.failure;

/**
 * Kafka header names every stage uses for failures and correlation. A twin.dlq record carries the client's request
 * (key, value, headers) plus {@link #STAGE}, {@link #ERROR} and {@link #REQUEST_ID}; an error result on a results
 * topic carries the same three plus {@link #CODE}; every result of a routed request carries {@link #CORRELATION}.
 */
public final class FailureHeaders {
    /** The stage that failed the request: "router" or "merger". */
    public static final String STAGE = "twin-error-stage";
    /** A human-readable reason. */
    public static final String ERROR = "twin-error";
    /** The request id (the client's, or the key of a record whose id could not be read). */
    public static final String REQUEST_ID = "twin-request-id";
    /** A gRPC status code name (INVALID_ARGUMENT, UNAVAILABLE, RESOURCE_EXHAUSTED, INTERNAL, ...) for the caller. */
    public static final String CODE = "twin-error-code";
    /** The router's correlation of the request ("router instance id:sequence"). */
    public static final String CORRELATION = "twin-correlation";
    /** Present on a DLQ record whose original value was too large to be carried past the router. */
    public static final String VALUE_OMITTED = "twin-original-value-omitted";

    private FailureHeaders() {
    }

    /** Whether a header name is one of these (stripped from a client's headers before a stage adds its own). */
    public static boolean isOwn(String name) {
        return STAGE.equals(name) || ERROR.equals(name) || REQUEST_ID.equals(name) || CODE.equals(name)
                || CORRELATION.equals(name) || VALUE_OMITTED.equals(name);
    }
}
