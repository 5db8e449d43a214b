package dev.twin.executor.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.executor.SyntheticBundle;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Executor;
import dev.twin.proto.executor.Row;
import dev.twin.proto.tensor.Fp32;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The executor's spans with tracing on (in-memory exporter): an Execute call carrying rows of two requests from two
 * traces gives each request one span under its rows' traceparent, counting its rows and linked to the call's server
 * span; rows without a traceparent get none.
 */
@QuarkusTest
@QuarkusTestResource(SyntheticBundle.class)
class ExecutorTracingTest {
    private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_A = "00f067aa0ba902b7";
    private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN_B = "b7ad6b7169203331";

    @GrpcClient("executor")
    Executor client;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void eachRequestInACallGetsASpanUnderItsRowsTraceparent() throws Exception {
        TaskData task = SyntheticBundle.suite().tasks().get(0);
        Split test = task.test();
        String a = "00-" + TRACE_A + "-" + SPAN_A + "-01";
        String b = "00-" + TRACE_B + "-" + SPAN_B + "-01";
        // request a has two rows, b one, and "plain" one without a traceparent; θ* (empty key)
        ExecuteRequest request = ExecuteRequest.newBuilder()
                .addRows(row("tr-a", task.name(), a)).addRows(row("tr-a", task.name(), a))
                .addRows(row("tr-b", task.name(), b)).addRows(row("plain", task.name(), ""))
                .setInputs(Fp32.encode(Arrays.copyOfRange(test.x(), 0, 4 * test.dim()))).build();
        ExecuteReply reply = client.execute(request).await().atMost(Duration.ofSeconds(60));
        assertEquals(4, reply.getResultsCount());

        SpanData spanA = await("tr-a");
        SpanData spanB = await("tr-b");
        assertEquals(TRACE_A, spanA.getTraceId());
        assertEquals(SPAN_A, spanA.getParentSpanId(), "under the merger's item span of request a");
        assertEquals(2L, spanA.getAttributes().get(ExecutorSpans.ROW_COUNT));
        assertEquals(TRACE_B, spanB.getTraceId());
        assertEquals(SPAN_B, spanB.getParentSpanId());
        assertEquals(1L, spanB.getAttributes().get(ExecutorSpans.ROW_COUNT));
        assertEquals(4L, spanB.getAttributes().get(ExecutorSpans.CALL_ROWS));
        assertEquals(false, spanB.getAttributes().get(ExecutorSpans.FACTORED), "no weights: θ* alone");
        // both link to the Execute call's server span
        SpanData server = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER
                && s.getName().endsWith("/Execute") && s.getSpanId().equals(spanA.getLinks().get(0).getSpanContext()
                .getSpanId())).findFirst().orElseThrow(() -> new AssertionError("no Execute server span linked from "
                + spanA.getLinks()));
        assertEquals(List.of(server.getSpanId()), spanB.getLinks().stream().map(l -> l.getSpanContext().getSpanId())
                .toList());
        Thread.sleep(200); // one more export period: a span for "plain" would be there by now
        assertTrue(spans.getFinishedSpanItems().stream().noneMatch(s -> "plain".equals(s.getAttributes()
                .get(ExecutorSpans.REQUEST_ID))), "no traceparent, no request span");
    }

    private static Row row(String id, String task, String traceparent) {
        return Row.newBuilder().setRequestId(id).setTask(task).setTraceparent(traceparent).build();
    }

    private SpanData await(String requestId) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName()
                    .equals(ExecutorSpans.ROWS) && requestId.equals(s.getAttributes().get(ExecutorSpans.REQUEST_ID)))
                    .toList();
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "one span of " + requestId + ": " + found);
                return found.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no span of " + requestId + " among " + spans.getFinishedSpanItems());
    }
}
