package dev.twin.merger.tracing;

import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.proto.trace.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The merger's spans. Per item of a twin.routed record, {@value #ITEM} (CONSUMER): a child of the item's own
 * {@code traceparent} (the router's span of that request), so the request's trace goes on here; it links to the
 * record's {@code traceparent} header (the router's batch span). Per executor call, {@value #EXECUTE} (CLIENT): a call
 * coalesces rows of many requests, so it is the root of a trace of its own with a link to each item span it carries;
 * it is current during the gRPC call, whose metadata carries it to the executor's server span. Each row of the call
 * carries its item span's traceparent, so the executor's per-request span is a child of the item span.
 */
@ApplicationScoped
public class MergerSpans {
    public static final String ITEM = "twin.merger.item";
    public static final String EXECUTE = "twin.merger.execute";
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("twin.request.id");
    public static final AttributeKey<String> CLUSTER_KEY = AttributeKey.stringKey("twin.cluster_key");
    public static final AttributeKey<Long> ROWS = AttributeKey.longKey("twin.rows");
    public static final AttributeKey<Long> REQUESTS = AttributeKey.longKey("twin.call.requests");
    public static final AttributeKey<String> EXECUTOR = AttributeKey.stringKey("twin.executor");

    private final Tracer tracer;

    public MergerSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts one span per item of a checked record; {@code rowsOf[i]} is item i's row count. */
    public ItemSpans items(RoutedBatch batch, int[] rowsOf, Headers headers, String topic, int partition,
                           long offset) {
        SpanContext record = Span.fromContext(TraceParent.extract(name -> header(headers, name))).getSpanContext();
        Span[] spans = new Span[batch.getItemsCount()];
        for (int i = 0; i < spans.length; i++) {
            RoutedItem it = batch.getItems(i);
            SpanBuilder b = tracer.spanBuilder(ITEM).setSpanKind(SpanKind.CONSUMER)
                    .setParent(TraceParent.parent(it.getTraceparent()))
                    .setAttribute(REQUEST_ID, it.getRequestId())
                    .setAttribute(CLUSTER_KEY, batch.getClusterKey())
                    .setAttribute(ROWS, rowsOf[i])
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.operation.type", "process")
                    .setAttribute("messaging.destination.name", topic)
                    .setAttribute("messaging.destination.partition.id", String.valueOf(partition))
                    .setAttribute("messaging.kafka.offset", offset);
            if (record.isValid()) {
                b.addLink(record);
            }
            spans[i] = b.startSpan();
        }
        return new ItemSpans(spans);
    }

    /** An executor call: a root span linked to the item spans whose rows it carries. */
    public Span call(String clusterKey, int rows, Set<SpanContext> items) {
        SpanBuilder b = tracer.spanBuilder(EXECUTE).setSpanKind(SpanKind.CLIENT).setNoParent()
                .setAttribute(CLUSTER_KEY, clusterKey)
                .setAttribute(ROWS, rows)
                .setAttribute(REQUESTS, items.size())
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.service", "twin.executor.Executor")
                .setAttribute("rpc.method", "Execute");
        for (SpanContext c : items) {
            if (c.isValid()) {
                b.addLink(c);
            }
        }
        return b.startSpan();
    }

    /** The executor that answered the current call (an attribute of the current span). */
    public static void executor(String address) {
        Span.current().setAttribute(EXECUTOR, address);
    }

    /** Writes the item span as traceparent into a result record's headers. */
    public static void inject(Context item, Headers headers) {
        TraceParent.inject(item, (k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
