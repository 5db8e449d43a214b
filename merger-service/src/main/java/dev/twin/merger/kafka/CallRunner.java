package dev.twin.merger.kafka;

import dev.twin.merger.cache.MergedCache;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.executor.ExecutorPool;
import dev.twin.merger.executor.ExecutorUnavailableException;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.model.BundleHolder;
import dev.twin.merger.tracing.MergerSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashSet;
import java.util.Set;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.RowResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs one executor call: factored and shared calls (exact and static traffic, and clusters when they run factored) on
 * the least loaded executor with no install; a materialized cluster's on its key's owner with θ(w) from the cache
 * (materialized and installed when new). Retries with back-off while no executor
 * answers or the bundle is not loaded (neither is the record's fault), then gives up with the reason.
 */
@ApplicationScoped
public class CallRunner {
    private static final Logger LOG = Logger.getLogger(CallRunner.class);

    private final BundleHolder holder;
    private final MergedCache cache;
    private final ExecutorPool executors;
    private final MergerConfig config;
    private final MergerMetrics metrics;
    private final MergerSpans spans;

    public CallRunner(BundleHolder holder, MergedCache cache, ExecutorPool executors, MergerConfig config,
                      MergerMetrics metrics, MergerSpans spans) {
        this.metrics = metrics;
        this.holder = holder;
        this.spans = spans;
        this.cache = cache;
        this.executors = executors;
        this.config = config;
    }

    /** The reply to call, its rows checked against the request's (count and request ids, in order). */
    ExecuteReply run(Call call, Execution execution, Map<String, Float> mergeWeights) {
        Set<SpanContext> items = new LinkedHashSet<>();
        for (Call.Segment s : call.segments()) {
            for (int r = s.from(); r < s.to(); r++) {
                items.add(s.work().parsed.spans().context(s.work().itemOfRow(r)));
            }
        }
        Span span = spans.call(switch (execution) {
            case MATERIALIZED -> call.request().getKey();
            case FACTORED -> Route.EXACT_KEY;
            case SHARED -> Route.STATIC_KEY;
        }, call.rows(), items);
        try (Scope ignored = span.makeCurrent()) {
            return checked(call, execution, mergeWeights);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    private ExecuteReply checked(Call call, Execution execution, Map<String, Float> mergeWeights) {
        ExecuteReply reply = withRetry(call.request(), () -> execute(call.request(), execution, mergeWeights));
        metrics.call(execution.path(), call.rows());
        if (reply.getResultsCount() != call.rows()) {
            throw new IllegalStateException("executor answered " + reply.getResultsCount() + " of " + call.rows()
                    + " rows" + where(call.request()));
        }
        for (int i = 0; i < call.rows(); i++) {
            RowResult r = reply.getResults(i);
            String want = call.request().getRows(i).getRequestId();
            if (!r.getRequestId().equals(want)) {
                throw new IllegalStateException("executor answered request '" + r.getRequestId() + "' in place of '"
                        + want + "'" + where(call.request()));
            }
        }
        return reply;
    }

    private ExecuteReply execute(ExecuteRequest request, Execution execution, Map<String, Float> mergeWeights) {
        if (execution != Execution.MATERIALIZED) {
            holder.require();
            return answered(executors.executeAnywhere(request));
        }
        float[] w = holder.require().weights(mergeWeights);
        try (MergedCache.Lookup merged = cache.get(request.getKey(), w)) {
            return answered(executors.execute(request, merged.weights(), merged.fresh()));
        }
    }

    private static ExecuteReply answered(ExecutorPool.Executed executed) {
        MergerSpans.executor(executed.executor());
        return executed.reply();
    }

    private static String where(ExecuteRequest r) {
        return r.getKey().isEmpty() ? " (shared expert)" : " (cluster '" + r.getKey() + "')";
    }

    private interface Attempt {
        ExecuteReply run();
    }

    private ExecuteReply withRetry(ExecuteRequest request, Attempt attempt) {
        long delay = 200;
        long deadline = System.nanoTime() + Duration.ofSeconds(config.unavailableRetrySeconds()).toNanos();
        while (true) {
            try {
                return attempt.run();
            } catch (IllegalStateException | ExecutorUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warnf("call of %d rows%s not run yet (%s): retrying in %d ms", request.getRowsCount(),
                        where(request), e.getMessage(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, 5000);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
