package dev.twin.router.sync;

import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.OriginalRequest;
import dev.twin.router.metrics.Channel;
import dev.twin.router.metrics.RouterMetrics;
import dev.twin.router.overload.OverloadedException;
import dev.twin.router.reply.ReplyListener;
import dev.twin.router.reply.RouterInstance;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.route.RoutingPipeline;
import dev.twin.router.tracing.RouterSpans;
import dev.twin.service.kafka.KafkaLink;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A synchronous infer: wait for the answer by the correlation this router issues (answers come on its own reply
 * topic), then route the request through the same micro-batcher.
 */
@ApplicationScoped
public class SyncInference {
    private final PendingResults pending;
    private final RoutingPipeline pipeline;
    private final RouterInstance instance;
    private final ReplyListener replies;
    private final RouterMetrics metrics;
    private final RouterSpans spans;
    private final KafkaLink kafka;

    public SyncInference(PendingResults pending, RoutingPipeline pipeline, RouterInstance instance,
                         ReplyListener replies, RouterMetrics metrics, RouterSpans spans, KafkaLink kafka) {
        this.kafka = kafka;
        this.pending = pending;
        this.pipeline = pipeline;
        this.instance = instance;
        this.replies = replies;
        this.metrics = metrics;
        this.spans = spans;
    }

    /**
     * The result bytes (in the request's encoding); or the reason the request failed at a later stage
     * ({@link CallFailedException}); UNAVAILABLE (a CallFailedException) at once while the Kafka broker is down, or
     * when no answer came within the sync timeout (a stage behind the router down, restarting or overloaded: retry).
     * Counted under
     * {@code channel}, its latencies from {@code startNanos} (when the call arrived).
     *
     * @param original the request as the client sent it (a later stage's dead letter carries it)
     */
    public CompletableFuture<byte[]> infer(InferenceRequest parsed, OriginalRequest original, Channel channel,
                                           long startNanos) {
        // while the broker is down nothing can be answered: say so at once (UNAVAILABLE, retry) instead of timing out
        if (!kafka.up()) {
            metrics.failed(channel, "kafka_down");
            return CompletableFuture.failedFuture(unavailable(parsed));
        }
        if (!replies.ready()) {
            metrics.failed(channel, "not_ready");
            return CompletableFuture.failedFuture(new CallFailedException("router", "UNAVAILABLE",
                    "answers cannot reach this router yet: " + replies.status()));
        }
        // called in the REST or gRPC server span's context; REST bodies are JSON, gRPC messages protobuf
        Span span = spans.syncRequest(parsed.encoding() == Encoding.JSON ? "rest" : "grpc");
        InferenceRequest request = RouterSpans.traced(span, parsed);
        String correlation = instance.nextCorrelation();
        // registered before routing so a fast answer cannot arrive before anyone waits for it
        CompletableFuture<byte[]> result;
        try {
            result = pending.register(correlation, request.id());
        } catch (BadRequestException e) {
            metrics.rejected(channel, e.problem());
            RouterSpans.end(span, e);
            throw e;
        } catch (RuntimeException e) {
            metrics.failed(channel, "overloaded");
            RouterSpans.end(span, e);
            throw e;
        }
        pipeline.offer(request.deliver(correlation, instance.replyTopic(), original)).whenComplete((v, err) -> {
            RouterSpans.end(span, err);
            if (err != null) {
                metrics.failed(channel, "routing_failed");
                Throwable cause = unwrap(err);
                pending.fail(correlation, cause instanceof OverloadedException
                        || cause instanceof BadRequestException ? cause
                        : new CallFailedException("router", "UNAVAILABLE", "request '" + request.id()
                        + "' could not be routed: " + cause.getMessage()));
            } else {
                metrics.routed(channel, startNanos);
            }
        });
        return result.whenComplete((bytes, err) -> metrics.responded(channel, err == null ? "ok"
                : unwrap(err) instanceof ResultTimeoutException ? "timeout" : "error", startNanos))
                .exceptionallyCompose(err -> CompletableFuture.failedFuture(timedOut(unwrap(err), request, startNanos)));
    }

    // no answer in time: the chaos runs show merger and executor crashes here, so the caller gets UNAVAILABLE (retry)
    // with the reason rather than a bare timeout
    private Throwable timedOut(Throwable err, InferenceRequest request, long startNanos) {
        if (!(err instanceof ResultTimeoutException)) {
            return err;
        }
        return kafka.downSince(startNanos) ? unavailable(request) : new CallFailedException("router", "UNAVAILABLE",
                err.getMessage() + ": the merger or an executor did not answer in time (down, restarting or "
                        + "overloaded); retry later");
    }

    private CallFailedException unavailable(InferenceRequest request) {
        return new CallFailedException("router", "UNAVAILABLE", "request '" + request.id() + "' not answered: "
                + kafka.status() + "; retry later");
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
