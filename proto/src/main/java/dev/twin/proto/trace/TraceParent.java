package dev.twin.proto.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) as the stages carry it: a {@code traceparent} (and
 * {@code tracestate}) in Kafka headers and gRPC metadata, and a bare {@code traceparent} value per request in the
 * {@code RoutedItem.traceparent} and {@code Row.traceparent} fields. With tracing off the spans are invalid and
 * nothing is written.
 */
public final class TraceParent {
    public static final String HEADER = "traceparent";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private TraceParent() {
    }

    /** The span's {@code traceparent} value, or "" when it is not a valid (recorded or sampled-out) context. */
    public static String of(Span span) {
        return of(span.getSpanContext());
    }

    /** "00-{trace id}-{span id}-{flags}", or "" for an invalid context. */
    public static String of(SpanContext c) {
        if (!c.isValid()) {
            return "";
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The remote span context a {@code traceparent} value names; invalid when the value is empty or malformed. */
    public static SpanContext spanContext(String traceparent) {
        return Span.fromContext(parent(traceparent)).getSpanContext();
    }

    /** A context whose parent span is the one {@code traceparent} names (root context when empty or malformed). */
    public static Context parent(String traceparent) {
        if (traceparent == null || traceparent.isEmpty()) {
            return Context.root();
        }
        return extract(name -> HEADER.equals(name) ? traceparent : null);
    }

    /** The remote parent carried in headers read by {@code header} (root context when there is none). */
    public static Context extract(Function<String, String> header) {
        return W3C.extract(Context.root(), header, GETTER);
    }

    /** Writes {@code context}'s span as traceparent/tracestate headers; writes nothing for an invalid span. */
    public static void inject(Context context, BiConsumer<String, String> header) {
        W3C.inject(context, header, SETTER);
    }

    private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.copyOf(W3C.fields());
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private static final TextMapSetter<BiConsumer<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.accept(key, value);
        }
    };
}
