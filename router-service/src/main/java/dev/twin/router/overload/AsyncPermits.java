package dev.twin.router.overload;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore whose acquire does not block: it returns a future that completes once a permit is held. The
 * Kafka consumer returns that future, so the connector delivers no further record (and pauses the partition once its
 * own bounded buffer is full) while every permit is taken: consumption waits instead of buffering.
 */
public final class AsyncPermits {
    private final int permits;
    private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int free;

    public AsyncPermits(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        this.permits = permits;
        this.free = permits;
    }

    /** Completes (at once when one is free) when the caller holds a permit; pair with one {@link #release()}. */
    public CompletableFuture<Void> acquire() {
        synchronized (this) {
            if (free > 0) {
                free--;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.add(f);
            return f;
        }
    }

    /** Hands the permit to the oldest waiter, or frees it. */
    public void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiters.poll();
            if (next == null) {
                if (free == permits) {
                    throw new IllegalStateException("released more permits than were acquired");
                }
                free++;
                return;
            }
        }
        next.complete(null); // outside the lock: the waiter's continuation may run here
    }

    public synchronized int inUse() {
        return permits - free;
    }

    public int permits() {
        return permits;
    }
}
