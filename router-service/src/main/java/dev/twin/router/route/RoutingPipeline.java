package dev.twin.router.route;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.tracing.RouterSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import dev.twin.proto.routed.RoutedBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one path every valid request takes, from Kafka or from a synchronous call: micro-batcher → router → grouping →
 * twin.routed.
 */
@ApplicationScoped
public class RoutingPipeline {
    private final RouterHolder holder;
    private final RoutedPublisher publisher;
    private final MicroBatcher<InferenceRequest> batcher;
    private final RouteObserver observer;
    private final RouterSpans spans;

    public RoutingPipeline(RouterHolder holder, RoutedPublisher publisher, RouterConfig config,
                           RouteObserver observer, RouterSpans spans) {
        this.holder = holder;
        this.publisher = publisher;
        this.observer = observer;
        this.spans = spans;
        this.batcher = new MicroBatcher<>("router-batcher", config.batch().maxSize(), config.batch().maxWaitMs(),
                InferenceRequest::rowCount, this::route);
    }

    /** Completes when the request's cluster batch is on twin.routed. */
    public CompletableFuture<Void> submit(InferenceRequest request) {
        return batcher.submit(request);
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

    // before the router closes (RouterHolder stops at a later priority): queued requests are routed first
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        batcher.close();
    }
}
