package dev.twin.router.sync;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Synchronous calls waiting for their result on twin.results, by request id; each wait is bounded. */
@ApplicationScoped
public class PendingResults {
    private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final long timeoutMs;

    @Inject
    public PendingResults(RouterConfig config) {
        this(config.syncTimeoutMs());
    }

    public PendingResults(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /**
     * Registers a waiter; the future completes with the result bytes or fails with a {@link ResultTimeoutException}
     * after the sync timeout. A second call for an id still waiting is rejected.
     */
    public CompletableFuture<byte[]> register(String id) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        if (pending.putIfAbsent(id, f) != null) {
            throw new BadRequestException(Problem.DUPLICATE_ID, "request id '" + id
                    + "' is already waiting for a result; use a unique id per request");
        }
        // the id is freed before the caller sees the outcome
        return f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((v, err) -> pending.remove(id, f))
                .exceptionallyCompose(err -> {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    return CompletableFuture.failedFuture(cause instanceof TimeoutException
                            ? new ResultTimeoutException("no result for request '" + id + "' within " + timeoutMs
                            + " ms") : cause);
                });
    }

    /** A result arrived; returns whether a caller was waiting for it (results for others are ignored). */
    public boolean complete(String id, byte[] result) {
        CompletableFuture<byte[]> f = pending.remove(id);
        return f != null && f.complete(result);
    }

    /** Gives up a wait (e.g. the request could not be routed). */
    public void fail(String id, Throwable error) {
        CompletableFuture<byte[]> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(error);
        }
    }

    public int waiting() {
        return pending.size();
    }

    public long timeoutMs() {
        return timeoutMs;
    }
}
