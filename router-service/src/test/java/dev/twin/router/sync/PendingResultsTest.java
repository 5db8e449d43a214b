package dev.twin.router.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.Problem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingResultsTest {

    @Test
    void resultCompletesOnlyItsOwnWaiter() throws Exception {
        PendingResults p = new PendingResults(10_000);
        CompletableFuture<byte[]> a = p.register("a");
        CompletableFuture<byte[]> b = p.register("b");
        assertFalse(p.complete("zzz", new byte[] {9}), "nobody waits for zzz");
        assertTrue(p.complete("a", new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, a.get(1, TimeUnit.SECONDS));
        assertFalse(b.isDone());
        assertFalse(p.complete("a", new byte[] {3}), "a second result for a is a duplicate");
        assertEquals(1, p.waiting());
    }

    @Test
    void waitEndsWithAClearTimeoutAndFreesTheId() throws Exception {
        PendingResults p = new PendingResults(200);
        long t0 = System.nanoTime();
        CompletableFuture<byte[]> f = p.register("slow");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(190));
        assertTrue(e.getCause() instanceof ResultTimeoutException, String.valueOf(e.getCause()));
        assertEquals("no result for request 'slow' within 200 ms", e.getCause().getMessage());
        assertEquals(0, p.waiting());
        assertFalse(p.complete("slow", new byte[] {1}), "a late result finds nobody");
        p.register("slow");
        assertEquals(1, p.waiting());
    }

    @Test
    void aSecondWaiterForTheSameIdIsRefused() {
        PendingResults p = new PendingResults(10_000);
        p.register("dup");
        BadRequestException e = assertThrows(BadRequestException.class, () -> p.register("dup"));
        assertEquals(Problem.DUPLICATE_ID, e.problem());
        assertTrue(e.getMessage().contains("'dup' is already waiting"), e.getMessage());
    }

    @Test
    void failEndsTheWaitWithTheCause() {
        PendingResults p = new PendingResults(10_000);
        CompletableFuture<byte[]> f = p.register("x");
        p.fail("x", new IllegalStateException("could not be routed"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertEquals("could not be routed", e.getCause().getMessage());
        assertEquals(0, p.waiting());
    }
}
