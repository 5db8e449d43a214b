package dev.twin.router.sync;

import dev.twin.router.request.InferenceRequest;
import dev.twin.proto.routed.Encoding;
import dev.twin.router.route.RoutingPipeline;
import dev.twin.router.tracing.RouterSpans;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/** A synchronous infer: wait for the result by id, then route the request through the same micro-batcher. */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;
    private final RouterSpans spans;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline, RouterSpans spans) {
        this.pending = pending;
        this.pipeline = pipeline;
        this.spans = spans;
    }

    /** The result bytes (in the request's encoding), or a {@link ResultTimeoutException} after the sync timeout. */
    public CompletableFuture<byte[]> infer(InferenceRequest parsed) {
        // called in the REST or gRPC server span's context; REST bodies are JSON, gRPC messages protobuf
        Span span = spans.syncRequest(parsed.encoding() == Encoding.JSON ? "rest" : "grpc");
        InferenceRequest request = RouterSpans.traced(span, parsed);
        // registered before routing so a fast result cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result = pending.register(request.id());
        pipeline.submit(request).whenComplete((v, err) -> {
            RouterSpans.end(span, err);
            if (err != null) {
                pending.fail(request.id(), new IllegalStateException("request '" + request.id()
                        + "' could not be routed: " + err.getMessage(), err));
            }
        });
        return result;
    }
}
