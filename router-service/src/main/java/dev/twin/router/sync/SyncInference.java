package dev.twin.router.sync;

import dev.twin.router.overload.OverloadedException;
import dev.twin.router.reply.ReplyListener;
import dev.twin.router.reply.RouterInstance;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.route.RoutingPipeline;
import dev.twin.proto.routed.OriginalRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/**
 * A synchronous infer: wait for the answer under a fresh correlation of this router, then route the request through
 * the same micro-batcher, answered on this router's reply topic. Refused at once (an {@link OverloadedException})
 * when the pending calls or the router's queue are at their bound.
 */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;
    private final RouterInstance instance;
    private final ReplyListener replies;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline, RouterInstance instance,
                         ReplyListener replies) {
        this.pending = pending;
        this.pipeline = pipeline;
        this.instance = instance;
        this.replies = replies;
    }

    /**
     * The result bytes (in the request's encoding); or the reason the request failed at a later stage
     * ({@link CallFailedException}); or a {@link ResultTimeoutException} after the sync timeout.
     *
     * @param original the request as the client sent it (a later stage's dead letter carries it)
     */
    public CompletableFuture<byte[]> infer(InferenceRequest request, OriginalRequest original) {
        if (!replies.ready()) {
            return CompletableFuture.failedFuture(new CallFailedException("router", "UNAVAILABLE",
                    "answers cannot reach this router yet: " + replies.status()));
        }
        String correlation = instance.nextCorrelation();
        // registered before routing so a fast answer cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result = pending.register(correlation, request.id());
        pipeline.offer(request.deliver(correlation, instance.replyTopic(), original)).whenComplete((v, err) -> {
            if (err != null) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                pending.fail(correlation, cause instanceof OverloadedException
                        || cause instanceof dev.twin.router.request.BadRequestException ? cause
                        : new CallFailedException("router", "UNAVAILABLE", "request '" + request.id()
                        + "' could not be routed: " + cause.getMessage()));
            }
        });
        return result;
    }
}
