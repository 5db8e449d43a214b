package dev.twin.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class RedeliveryTest {
    @Test
    void aSendThatFailsForAPassingReasonIsMadeAgainUntilKafkaTakesIt() throws Exception {
        Redelivery r = new Redelivery();
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> out = r.untilTaken("test", () -> switch (attempts.incrementAndGet()) {
            case 1 -> CompletableFuture.failedFuture(new CompletionException(
                    new TimeoutException("Expiring 3 record(s) for twin.routed-0: 120001 ms has passed")));
            case 2 -> CompletableFuture.failedFuture(new NetworkException("Disconnected from node 1"));
            default -> CompletableFuture.completedFuture("taken");
        });
        assertEquals("taken", out.get(30, TimeUnit.SECONDS));
        assertEquals(3, attempts.get());
        assertEquals(0, r.waiting(), "nothing left waiting once taken");
    }

    @Test
    void aFailureOfTheRecordItselfIsReturnedAtOnce() {
        Redelivery r = new Redelivery();
        AtomicInteger attempts = new AtomicInteger();
        RecordTooLargeException tooLarge = new RecordTooLargeException("the message is 5000000 bytes");
        CompletableFuture<String> out = r.untilTaken("test", () -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(tooLarge);
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> out.get(30, TimeUnit.SECONDS));
        assertSame(tooLarge, e.getCause());
        assertEquals(1, attempts.get());
    }

    @Test
    void transientMeansKafkasRetriableErrorsAndTimeoutsAnywhereInTheCauses() {
        assertTrue(Redelivery.isTransient(new CompletionException(new NetworkException("x"))));
        assertTrue(Redelivery.isTransient(new IllegalStateException("nack", new TimeoutException("x"))));
        assertTrue(Redelivery.isTransient(new java.util.concurrent.TimeoutException()));
        assertEquals(false, Redelivery.isTransient(new RecordTooLargeException("x")));
        assertEquals(false, Redelivery.isTransient(new IllegalArgumentException("bad topic")));
    }
}
