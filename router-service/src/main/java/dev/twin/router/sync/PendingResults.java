package dev.twin.router.sync;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.overload.OverloadedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Synchronous calls waiting for their answer, by the router's correlation (not the client's id: two callers may
 * use the same id); each wait is bounded in time, and their number by {@code max-pending-sync}.
 */
@ApplicationScoped
public class PendingResults {
    private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final long timeoutMs;
    private final int max;

    @Inject
    public PendingResults(RouterConfig config) {
        this(config.syncTimeoutMs(), config.maxPendingSync());
    }

    public PendingResults(long timeoutMs, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("twin.router.max-pending-sync must be at least 1, got " + max);
        }
        this.timeoutMs = timeoutMs;
        this.max = max;
    }

    /**
     * Registers a waiter for {@code correlation}; the future completes with the result bytes, or fails with the
     * failure the pipeline reported, or with a {@link ResultTimeoutException} after the sync timeout. Beyond
     * max-pending-sync waiters an {@link OverloadedException} is thrown.
     */
    public CompletableFuture<byte[]> register(String correlation, String requestId) {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            throw new OverloadedException(max + " synchronous calls are already waiting for their answer "
                    + "(twin.router.max-pending-sync); retry later");
        }
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        if (pending.putIfAbsent(correlation, f) != null) {
            count.decrementAndGet();
            throw new IllegalStateException("correlation '" + correlation + "' issued twice");
        }
        // the slot is freed before the caller sees the outcome
        return f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((v, err) -> {
                    if (pending.remove(correlation, f)) {
                        count.decrementAndGet();
                    }
                })
                .exceptionallyCompose(err -> {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    return CompletableFuture.failedFuture(cause instanceof TimeoutException
                            ? new ResultTimeoutException("no result for request '" + requestId + "' within "
                            + timeoutMs + " ms") : cause);
                });
    }

    /** An answer arrived; returns whether a caller was waiting for it (others are ignored). */
    public boolean complete(String correlation, byte[] result) {
        CompletableFuture<byte[]> f = pending.get(correlation);
        return f != null && f.complete(result);
    }

    /** Ends a wait with the reason (the request failed at some stage). */
    public boolean fail(String correlation, Throwable error) {
        CompletableFuture<byte[]> f = pending.get(correlation);
        return f != null && f.completeExceptionally(error);
    }

    public int waiting() {
        return count.get();
    }

    public long timeoutMs() {
        return timeoutMs;
    }
}
