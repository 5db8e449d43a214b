package dev.twin.router.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.router.overload.OverloadedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingResultsTest {

    @Test
    void resultCompletesOnlyItsOwnWaiter() throws Exception {
        PendingResults p = new PendingResults(10_000, 10);
        CompletableFuture<byte[]> a = p.register("r1:1", "a");
        CompletableFuture<byte[]> b = p.register("r1:2", "b");
        assertFalse(p.complete("r1:99", new byte[] {9}), "nobody waits for r1:99");
        assertTrue(p.complete("r1:1", new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, a.get(1, TimeUnit.SECONDS));
        assertFalse(b.isDone());
        assertFalse(p.complete("r1:1", new byte[] {3}), "a second result for r1:1 is a duplicate");
        assertEquals(1, p.waiting());
    }

    @Test
    void twoCallersWithTheSameIdGetTheirOwnAnswers() throws Exception {
        PendingResults p = new PendingResults(10_000, 10);
        CompletableFuture<byte[]> first = p.register("r1:1", "same");
        CompletableFuture<byte[]> second = p.register("r1:2", "same");
        assertTrue(p.complete("r1:2", new byte[] {2}));
        assertTrue(p.complete("r1:1", new byte[] {1}));
        assertArrayEquals(new byte[] {1}, first.get(1, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {2}, second.get(1, TimeUnit.SECONDS));
    }

    @Test
    void waitEndsWithAClearTimeoutAndFreesTheSlot() throws Exception {
        PendingResults p = new PendingResults(200, 1);
        CompletableFuture<byte[]> f = p.register("r1:1", "slow");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ResultTimeoutException, String.valueOf(e.getCause()));
        assertEquals("no result for request 'slow' within 200 ms", e.getCause().getMessage());
        assertEquals(0, p.waiting());
        assertFalse(p.complete("r1:1", new byte[] {1}), "a late result finds nobody");
        p.register("r1:2", "slow");
        assertEquals(1, p.waiting());
    }

    @Test
    void beyondTheBoundACallIsRefusedAtOnceAndASlotFreesIt() {
        PendingResults p = new PendingResults(10_000, 2);
        p.register("r1:1", "a");
        p.register("r1:2", "b");
        OverloadedException e = assertThrows(OverloadedException.class, () -> p.register("r1:3", "c"));
        assertEquals("2 synchronous calls are already waiting for their answer (twin.router.max-pending-sync); "
                + "retry later", e.getMessage());
        assertEquals(2, p.waiting());
        assertTrue(p.complete("r1:1", new byte[] {1}));
        p.register("r1:4", "d");
        assertEquals(2, p.waiting());
    }

    @Test
    void failEndsTheWaitWithTheStagesReason() {
        PendingResults p = new PendingResults(10_000, 10);
        CompletableFuture<byte[]> f = p.register("r1:1", "x");
        p.fail("r1:1", new CallFailedException("merger", "INVALID_ARGUMENT", "executor refused the batch"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        CallFailedException c = (CallFailedException) e.getCause();
        assertEquals("executor refused the batch", c.getMessage());
        assertEquals("INVALID_ARGUMENT", c.code());
        assertEquals("merger", c.stage());
        assertEquals(0, p.waiting());
    }
}
