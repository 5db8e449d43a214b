package dev.twin.router.sync;

import dev.twin.router.request.InferenceRequest;
import dev.twin.router.route.RoutingPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/** A synchronous infer: wait for the result by id, then route the request through the same micro-batcher. */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline) {
        this.pending = pending;
        this.pipeline = pipeline;
    }

    /** The result bytes (in the request's encoding), or a {@link ResultTimeoutException} after the sync timeout. */
    public CompletableFuture<byte[]> infer(InferenceRequest request) {
        // registered before routing so a fast result cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result = pending.register(request.id());
        pipeline.submit(request).whenComplete((v, err) -> {
            if (err != null) {
                pending.fail(request.id(), new IllegalStateException("request '" + request.id()
                        + "' could not be routed: " + err.getMessage(), err));
            }
        });
        return result;
    }
}
