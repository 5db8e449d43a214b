package dev.twin.executor.tracing;

import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.trace.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor's spans of an Execute call. The call's server span comes from Quarkus' gRPC instrumentation (a child
 * of the merger's call span, whose context the call's metadata carries). A call runs rows of many requests, so each
 * request in it also gets a span, {@value #ROWS}, a child of the traceparent its rows carry (the merger's span of
 * that request) and linked to the call's server span: one request's spans form one trace through every stage.
 * Without traceparents on the rows (tracing off in the merger) no request spans are made.
 */
@ApplicationScoped
public class ExecutorSpans {
    public static final String ROWS = "twin.executor.rows";
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("twin.request.id");
    public static final AttributeKey<String> KEY = AttributeKey.stringKey("twin.key");
    public static final AttributeKey<Long> ROW_COUNT = AttributeKey.longKey("twin.rows");
    public static final AttributeKey<Long> CALL_ROWS = AttributeKey.longKey("twin.call.rows");
    public static final AttributeKey<Boolean> FACTORED = AttributeKey.booleanKey("twin.factored");

    private final Tracer tracer;

    public ExecutorSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The spans of the call's requests, started now; end them with {@link Requests#end}. */
    public Requests start(ExecuteRequest request) {
        Map<String, Row> first = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (Row r : request.getRowsList()) {
            if (!r.getTraceparent().isEmpty()) {
                first.putIfAbsent(r.getTraceparent(), r);
                rows.merge(r.getTraceparent(), 1L, Long::sum);
            }
        }
        if (first.isEmpty()) {
            return Requests.NONE;
        }
        SpanContext call = Span.current().getSpanContext();
        List<Span> spans = new ArrayList<>(first.size());
        for (Map.Entry<String, Row> e : first.entrySet()) {
            SpanBuilder b = tracer.spanBuilder(ROWS).setParent(TraceParent.parent(e.getKey()))
                    .setAttribute(REQUEST_ID, e.getValue().getRequestId())
                    .setAttribute(KEY, request.getKey())
                    .setAttribute(ROW_COUNT, rows.get(e.getKey()))
                    .setAttribute(CALL_ROWS, request.getRowsCount())
                    .setAttribute(FACTORED, !request.getWeights().isEmpty());
            if (call.isValid()) {
                b.addLink(call);
            }
            spans.add(b.startSpan());
        }
        return new Requests(spans);
    }

    /** The started request spans of one call. */
    public record Requests(List<Span> spans) {
        static final Requests NONE = new Requests(List.of());

        /** Ends every span, as failed when {@code error} is not null. */
        public void end(Throwable error) {
            for (Span s : spans) {
                if (error != null) {
                    s.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                }
                s.end();
            }
        }
    }
}
