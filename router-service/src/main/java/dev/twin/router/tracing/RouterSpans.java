package dev.twin.router.tracing;

import dev.twin.proto.trace.TraceParent;
import dev.twin.router.request.InferenceRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The router's spans. Each request gets one span, {@value #REQUEST}, from the moment it is accepted until its cluster
 * batch is on twin.routed: a child of the caller's span (the REST or gRPC server span, itself a child of the client's
 * {@code traceparent}) or, for a twin.requests record, a CONSUMER span whose parent is the record's
 * {@code traceparent} header. Its traceparent goes into the request's RoutedItem, so the merger and executor spans of
 * that request join its trace. A micro-batch is one {@value #BATCH} span, the root of a trace of its own with a link
 * to every request span in it (one batch serves many traces); its context is the {@code traceparent} header of the
 * twin.routed records it publishes. With the SDK disabled (the default) every span is a no-op and nothing is carried.
 */
@ApplicationScoped
public class RouterSpans {
    public static final String REQUEST = "twin.router.request";
    public static final String BATCH = "twin.router.batch";
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("twin.request.id");
    public static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("twin.channel");
    public static final AttributeKey<Long> ROWS = AttributeKey.longKey("twin.rows");
    public static final AttributeKey<String> TASK = AttributeKey.stringKey("twin.task");
    public static final AttributeKey<Long> BATCH_REQUESTS = AttributeKey.longKey("twin.batch.requests");
    public static final AttributeKey<Long> BATCH_RECORDS = AttributeKey.longKey("twin.batch.records");

    private final Tracer tracer;

    public RouterSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** A record of the requests topic: a CONSUMER span, child of the producer's traceparent header if any. */
    public Span kafkaRequest(Headers headers, String topic, int partition, long offset) {
        return tracer.spanBuilder(REQUEST).setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceParent.extract(name -> header(headers, name)))
                .setAttribute(CHANNEL, "kafka")
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.destination.partition.id", String.valueOf(partition))
                .setAttribute("messaging.kafka.offset", offset)
                .startSpan();
    }

    /** A synchronous call ("rest" or "grpc"): child of the current span (the server span of the call). */
    public Span syncRequest(String channel) {
        return tracer.spanBuilder(REQUEST).setSpanKind(SpanKind.INTERNAL).setParent(Context.current())
                .setAttribute(CHANNEL, channel).startSpan();
    }

    /** Stamps a parsed request on its span and returns the request carrying the span's traceparent. */
    public static InferenceRequest traced(Span span, InferenceRequest request) {
        if (!span.getSpanContext().isValid()) {
            return request;
        }
        span.setAttribute(REQUEST_ID, request.id());
        span.setAttribute(ROWS, request.rowCount());
        if (request.task() != null) {
            span.setAttribute(TASK, request.task());
        }
        return request.withTraceparent(TraceParent.of(span));
    }

    /** A micro-batch: the root of its own trace, linked to each traced request's span. */
    public Span batch(List<InferenceRequest> batch) {
        SpanBuilder b = tracer.spanBuilder(BATCH).setSpanKind(SpanKind.PRODUCER).setNoParent()
                .setAttribute(BATCH_REQUESTS, batch.size())
                .setAttribute(ROWS, batch.stream().mapToLong(InferenceRequest::rowCount).sum())
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "send");
        for (InferenceRequest r : batch) {
            SpanContext c = TraceParent.spanContext(r.traceparent());
            if (c.isValid()) {
                b.addLink(c);
            }
        }
        return b.startSpan();
    }

    /** Ends a span, as failed with the error's message when there is one. */
    public static void end(Span span, Throwable error) {
        if (error != null) {
            fail(span, String.valueOf(error.getMessage()));
        }
        span.end();
    }

    /** Marks a span failed with a reason (a rejected request, a failed batch). */
    public static void fail(Span span, String reason) {
        span.setStatus(StatusCode.ERROR, reason);
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
