package dev.twin.merger.tracing;

import dev.twin.proto.trace.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The merger's span of each item (request) of one twin.routed record: open from the record's dispatch until the
 * item's result is acknowledged by the broker or the item goes to the DLQ. Each span ends once, whichever of the
 * record's calls settles it.
 */
public final class ItemSpans {
    private final Span[] spans;
    private final String[] traceparents;
    private final AtomicBoolean[] ended;

    ItemSpans(Span[] spans) {
        this.spans = spans;
        this.traceparents = new String[spans.length];
        this.ended = new AtomicBoolean[spans.length];
        for (int i = 0; i < spans.length; i++) {
            traceparents[i] = TraceParent.of(spans[i]);
            ended[i] = new AtomicBoolean();
        }
    }

    /** Untraced items (tracing off, or a record built without spans). */
    public static ItemSpans none(int items) {
        Span[] spans = new Span[items];
        java.util.Arrays.fill(spans, Span.getInvalid());
        return new ItemSpans(spans);
    }

    /** The item span's W3C traceparent for the executor's Row ("" when not traced). */
    public String traceparent(int item) {
        return traceparents[item];
    }

    public SpanContext context(int item) {
        return spans[item].getSpanContext();
    }

    /** A context holding the item's span (to write it into the result record's headers). */
    public Context asContext(int item) {
        return Context.root().with(spans[item]);
    }

    /** The item's result is written. */
    public void ok(int item) {
        if (ended[item].compareAndSet(false, true)) {
            spans[item].end();
        }
    }

    /** The item went to the DLQ (or could not be answered) for {@code reason}. */
    public void fail(int item, String reason) {
        if (ended[item].compareAndSet(false, true)) {
            spans[item].setStatus(StatusCode.ERROR, reason);
            spans[item].end();
        }
    }

    /** The whole record went to the DLQ: every item not yet settled fails with the reason. */
    public void failAll(String reason) {
        for (int i = 0; i < spans.length; i++) {
            fail(i, reason);
        }
    }
}
