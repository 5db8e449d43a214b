package dev.twin.cli.overload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class OverloadBenchTest {

    @Test
    void failedCallsAreCountedByTheStatusCodeTheirMessageCarries() {
        // the messages grpc-java's StatusRuntimeException gives, with and without a description
        assertEquals("RESOURCE_EXHAUSTED", OverloadBench.statusCode(Status.RESOURCE_EXHAUSTED
                .withDescription("more than 4096 sync calls pending: retry later").asRuntimeException().getMessage()));
        assertEquals("UNAVAILABLE", OverloadBench.statusCode(Status.UNAVAILABLE.asRuntimeException().getMessage()));
        assertEquals("DEADLINE_EXCEEDED", OverloadBench.statusCode(Status.DEADLINE_EXCEEDED
                .withDescription("deadline exceeded after 59.9s").asRuntimeException().getMessage()));
        // anything else (a transport exception's own message, no message) is not taken for a status
        assertEquals("OTHER", OverloadBench.statusCode("Connection refused: /127.0.0.1:9100"));
        assertEquals("OTHER", OverloadBench.statusCode(null));
    }
}
