package dev.twin.router.route;

import dev.twin.proto.routed.OriginalRequest;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.tracing.RouterSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import dev.twin.router.request.Problem;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import dev.twin.proto.routed.RoutedBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one path every valid request takes, from Kafka or from a synchronous call: micro-batcher → router → grouping →
 * twin.routed. The batcher's queue is bounded (twin.router.batch.max-queued-rows); a request whose routed form would
 * not fit in one twin.routed record fails here with the reason.
 */
@ApplicationScoped
public class RoutingPipeline {
    private final RouterHolder holder;
    private final RoutedPublisher publisher;
    private final MicroBatcher<InferenceRequest> batcher;
    private final RouteObserver observer;
    private final RouterSpans spans;
    private final int maxMessageBytes;

    public RoutingPipeline(RouterHolder holder, RoutedPublisher publisher, RouterConfig config,
                           RouteObserver observer, RouterSpans spans) {
        this.holder = holder;
        this.publisher = publisher;
        this.observer = observer;
        this.spans = spans;
        this.maxMessageBytes = config.routedMaxMessageBytes();
        this.batcher = new MicroBatcher<>("router-batcher", config.batch().maxSize(),
                config.batch().maxQueuedRows(), config.batch().maxWaitMs(), InferenceRequest::rowCount, this::route);
    }

    /** Completes when the request's cluster batch is on twin.routed; waits while the queue is full (Kafka). */
    public CompletableFuture<Void> submit(InferenceRequest request) {
        InferenceRequest fitted;
        try {
            fitted = fit(request);
        } catch (BadRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.submit(fitted);
    }

    /** As {@link #submit}, but refused at once (OverloadedException) when the queue is full (synchronous calls). */
    public CompletableFuture<Void> offer(InferenceRequest request) {
        InferenceRequest fitted;
        try {
            fitted = fit(request);
        } catch (BadRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.offer(fitted);
    }

    /**
     * The request as it can travel: alone in a routed record it must stay under routed-max-message-bytes; when its
     * original value would push it over, the value is left out (the dead letter then says so); when its rows alone
     * do, it is refused.
     */
    private InferenceRequest fit(InferenceRequest r) {
        int tasks = holder.require().tasks().size();
        long size = RoutedSize.alone(r, tasks);
        if (size <= maxMessageBytes) {
            return r;
        }
        OriginalRequest o = r.original();
        if (o != null && !o.getValue().isEmpty()) {
            InferenceRequest trimmed = r.deliver(r.correlation(), r.replyTo(), o.toBuilder()
                    .clearValue().setValueOmitted(true).build());
            if (RoutedSize.alone(trimmed, tasks) <= maxMessageBytes) {
                return trimmed;
            }
        }
        throw new BadRequestException(Problem.OVERSIZED, "request '" + r.id() + "' needs " + size
                + " bytes on the routed topic, more than twin.router.routed-max-message-bytes=" + maxMessageBytes);
    }

    // the batch span is current while publishing: its context is the traceparent header of the routed records
    private CompletableFuture<Void> route(List<InferenceRequest> batch) {
        Span span = spans.batch(batch);
        try (Scope ignored = span.makeCurrent()) {
            BatchRouter router = holder.require().batchRouter();
            List<RoutedBatch> routed = router.route(batch, observer);
            span.setAttribute(RouterSpans.BATCH_RECORDS, routed.size());
            return publisher.publish(routed, router.spreadsKeys()).whenComplete((v, err) -> RouterSpans.end(span, err));
        } catch (RuntimeException e) {
            RouterSpans.end(span, e);
            throw e;
        }
    }

    /** Rows waiting in the micro-batcher's queue. */
    public int queuedRows() {
        return batcher.queued();
    }

    // before the router closes (RouterHolder stops at a later priority): queued requests are routed first
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        batcher.close();
    }
}
