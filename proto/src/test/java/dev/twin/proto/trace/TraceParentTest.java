package dev.twin.proto.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceParentTest {
    // the example of the W3C Trace Context recommendation, section 3.2.2.8
    private static final String EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aTraceparentValueNamesItsTraceSpanAndFlags() {
        SpanContext c = TraceParent.spanContext(EXAMPLE);
        assertTrue(c.isValid());
        assertTrue(c.isRemote());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", c.getTraceId());
        assertEquals("00f067aa0ba902b7", c.getSpanId());
        assertTrue(c.isSampled());
        assertEquals(EXAMPLE, TraceParent.of(c));
    }

    @Test
    void headersRoundTripThroughInjectAndExtract() {
        SpanContext c = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getDefault(), TraceState.getDefault());
        Map<String, String> headers = new LinkedHashMap<>();
        TraceParent.inject(Context.root().with(Span.wrap(c)), headers::put);
        assertEquals(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"), headers);
        SpanContext back = Span.fromContext(TraceParent.extract(headers::get)).getSpanContext();
        assertEquals(c.getTraceId(), back.getTraceId());
        assertEquals(c.getSpanId(), back.getSpanId());
        assertFalse(back.isSampled());
    }

    @Test
    void nothingIsWrittenOrReadWithoutAValidContext() {
        Map<String, String> headers = new LinkedHashMap<>();
        TraceParent.inject(Context.root(), headers::put);
        assertEquals(Map.of(), headers);
        assertEquals("", TraceParent.of(Span.getInvalid()));
        assertFalse(TraceParent.spanContext("").isValid());
        assertFalse(TraceParent.spanContext("00-00000000000000000000000000000000-00f067aa0ba902b7-01").isValid());
        assertFalse(TraceParent.spanContext("not a traceparent").isValid());
    }
}
