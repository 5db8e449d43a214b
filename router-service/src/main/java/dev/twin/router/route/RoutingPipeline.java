package dev.twin.router.route;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.InferenceRequest;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    public RoutingPipeline(RouterHolder holder, RoutedPublisher publisher, RouterConfig config,
                           RouteObserver observer) {
        this.holder = holder;
        this.publisher = publisher;
        this.observer = observer;
        this.batcher = new MicroBatcher<>("router-batcher", config.batch().maxSize(), config.batch().maxWaitMs(),
                InferenceRequest::rowCount, this::route);
    }

    /** Completes when the request's cluster batch is on twin.routed. */
    public CompletableFuture<Void> submit(InferenceRequest request) {
        return batcher.submit(request);
    }

    private CompletableFuture<Void> route(List<InferenceRequest> batch) {
        BatchRouter router = holder.require().batchRouter();
        return publisher.publish(router.route(batch, observer), router.spreadsKeys());
    }

    // before the router closes (RouterHolder stops at a later priority): queued requests are routed first
    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        batcher.close();
    }
}
