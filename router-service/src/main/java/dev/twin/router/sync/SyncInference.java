package dev.twin.router.sync;

import dev.twin.router.kafka.KafkaLink;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.route.RoutingPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/** A synchronous infer: wait for the result by id, then route the request through the same micro-batcher. */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;
    private final KafkaLink kafka;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline, KafkaLink kafka) {
        this.pending = pending;
        this.pipeline = pipeline;
        this.kafka = kafka;
    }

    /**
     * The result bytes (in the request's encoding); UNAVAILABLE (a StatusRuntimeException, HTTP 503) with the reason
     * at once while the Kafka broker is down, or after the sync timeout.
     */
    public CompletableFuture<byte[]> infer(InferenceRequest request) {
        // while the broker is down nothing can be answered: say so at once (UNAVAILABLE, retry) instead of timing out
        if (!kafka.up()) {
            return CompletableFuture.failedFuture(unavailable(request));
        }
        long start = System.nanoTime();
        // registered before routing so a fast result cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result = pending.register(request.id());
        pipeline.submit(request).whenComplete((v, err) -> {
            if (err != null) {
                pending.fail(request.id(), new IllegalStateException("request '" + request.id()
                        + "' could not be routed: " + err.getMessage(), err));
            }
        });
        // no result in time: a part behind the router is down, restarting or overloaded (the chaos runs show merger and
        // executor crashes here), so the caller gets UNAVAILABLE (retry) with the reason rather than a bare timeout
        return result.exceptionallyCompose(err -> CompletableFuture.failedFuture(!(unwrap(err) instanceof
                ResultTimeoutException t) ? err : kafka.downSince(start) ? unavailable(request)
                : io.grpc.Status.UNAVAILABLE.withDescription(t.getMessage() + ": the merger or an executor did not "
                + "answer in time (down, restarting or overloaded); retry later").asRuntimeException()));
    }

    private io.grpc.StatusRuntimeException unavailable(InferenceRequest request) {
        return io.grpc.Status.UNAVAILABLE.withDescription("request '" + request.id() + "' not answered: "
                + kafka.status() + "; retry later").asRuntimeException();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
