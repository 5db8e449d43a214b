package dev.twin.router.overload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AsyncPermitsTest {

    @Test
    void beyondThePermitsAcquireWaitsAndReleasesServeWaitersInOrder() {
        AsyncPermits p = new AsyncPermits(2);
        assertTrue(p.acquire().isDone());
        assertTrue(p.acquire().isDone());
        CompletableFuture<Void> third = p.acquire();
        CompletableFuture<Void> fourth = p.acquire();
        assertFalse(third.isDone());
        assertEquals(2, p.inUse());
        p.release(); // handed to the oldest waiter: still 2 in use
        assertTrue(third.isDone());
        assertFalse(fourth.isDone());
        assertEquals(2, p.inUse());
        p.release();
        assertTrue(fourth.isDone());
        p.release();
        p.release();
        assertEquals(0, p.inUse());
        assertThrows(IllegalStateException.class, p::release, "more releases than acquires");
    }
}
