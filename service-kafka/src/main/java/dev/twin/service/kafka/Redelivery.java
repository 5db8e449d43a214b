package dev.twin.service.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Re-sends what Kafka could not take for a passing reason (broker down or unreachable, a leader moving: Kafka's
 * retriable errors and timeouts) until the broker takes it, with back-off from {@link #FIRST_DELAY_MS} to
 * {@link #MAX_DELAY_MS}. Nothing is thus dead-lettered, dropped or misfiled into the DLQ because of an outage, however
 * long: the consumed record behind the send stays unacknowledged (uncommitted) meanwhile. Other failures (record too
 * large, invalid topic) are returned at once: they are the record's, and it goes to the DLQ.
 */
@ApplicationScoped
public class Redelivery {
    static final long FIRST_DELAY_MS = 500;
    static final long MAX_DELAY_MS = 10_000;
    private static final Logger LOG = Logger.getLogger(Redelivery.class);

    private final AtomicInteger waiting = new AtomicInteger();

    /** {@code attempt} again after each transient failure; completes with its first success or lasting failure. */
    public <T> CompletableFuture<T> untilTaken(String what, Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> out = new CompletableFuture<>();
        run(what, attempt, out, FIRST_DELAY_MS, 0);
        return out;
    }

    private <T> void run(String what, Supplier<CompletableFuture<T>> attempt, CompletableFuture<T> out, long delay,
                         int tries) {
        CompletableFuture<T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, err) -> {
            if (err == null) {
                if (tries > 0) {
                    waiting.decrementAndGet();
                    LOG.infof("%s: taken by Kafka after %d re-sends", what, tries);
                }
                out.complete(v);
            } else if (isTransient(err)) {
                if (tries == 0) {
                    waiting.incrementAndGet();
                }
                LOG.warnf("%s: Kafka did not take it (%s); re-sending in %d ms", what, root(err), delay);
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() ->
                        run(what, attempt, out, Math.min(delay * 2, MAX_DELAY_MS), tries + 1));
            } else {
                if (tries > 0) {
                    waiting.decrementAndGet();
                }
                out.completeExceptionally(err);
            }
        });
    }

    /** Sends whose retry is pending (for health). */
    public int waiting() {
        return waiting.get();
    }

    /** Kafka's retriable errors and every kind of timeout (a broker that does not answer), anywhere in the causes. */
    public static boolean isTransient(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause, as "Type: message". */
    public static String root(Throwable err) {
        Throwable t = err;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
