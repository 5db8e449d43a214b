package dev.twin.router.sync;

import dev.twin.router.metrics.Channel;
import dev.twin.router.metrics.RouterMetrics;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.proto.routed.Encoding;
import dev.twin.router.route.RoutingPipeline;
import dev.twin.router.tracing.RouterSpans;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A synchronous infer: wait for the result by id, then route the request through the same micro-batcher. */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;
    private final RouterMetrics metrics;
    private final RouterSpans spans;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline, RouterMetrics metrics, RouterSpans spans) {
        this.pending = pending;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.spans = spans;
    }

    /**
     * The result bytes (in the request's encoding), or a {@link ResultTimeoutException} after the sync timeout;
     * counted under {@code channel}, its latencies from {@code startNanos} (when the call arrived).
     */
    public CompletableFuture<byte[]> infer(InferenceRequest parsed, Channel channel, long startNanos) {
        // called in the REST or gRPC server span's context; REST bodies are JSON, gRPC messages protobuf
        Span span = spans.syncRequest(parsed.encoding() == Encoding.JSON ? "rest" : "grpc");
        InferenceRequest request = RouterSpans.traced(span, parsed);
        // registered before routing so a fast result cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result;
        try {
            result = pending.register(request.id());
        } catch (BadRequestException e) {
            metrics.rejected(channel, e.problem());
            throw e;
        }
        pipeline.submit(request).whenComplete((v, err) -> {
            RouterSpans.end(span, err);
            if (err != null) {
                metrics.failed(channel, "routing_failed");
                pending.fail(request.id(), new IllegalStateException("request '" + request.id()
                        + "' could not be routed: " + err.getMessage(), err));
            } else {
                metrics.routed(channel, startNanos);
            }
        });
        return result.whenComplete((bytes, err) -> metrics.responded(channel, err == null ? "ok"
                : unwrap(err) instanceof ResultTimeoutException ? "timeout" : "error", startNanos));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
