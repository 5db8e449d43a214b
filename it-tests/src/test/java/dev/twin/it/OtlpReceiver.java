package dev.twin.it;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An OTLP/gRPC trace receiver on loopback (the collector's TraceService/Export, from the OTLP protos): keeps every span
 * the services export, flattened to what the tracing test checks.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One exported span: ids as lower-case hex (parent "" for a root), its links as "traceId/spanId". */
    record SpanData(String service, String traceId, String spanId, String parentSpanId, String name, String kind,
                    List<String> links, Map<String, String> attributes) {
        String attribute(String key) {
            return attributes.get(key);
        }
    }

    private final List<SpanData> spans = new CopyOnWriteArrayList<>();
    private final Server server;

    OtlpReceiver() {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(ExportTraceServiceRequest request,
                                       StreamObserver<ExportTraceServiceResponse> reply) {
                        keep(request);
                        reply.onNext(ExportTraceServiceResponse.getDefaultInstance());
                        reply.onCompleted();
                    }
                }).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("OTLP receiver did not start", e);
        }
    }

    /** The endpoint to give the services' OTLP exporter. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    List<SpanData> spans() {
        return List.copyOf(spans);
    }

    /** Waits up to {@code seconds} until the spans received satisfy {@code done}; returns them either way. */
    List<SpanData> await(Predicate<List<SpanData>> done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.test(spans()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return spans();
    }

    private void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = text(rs.getResource().getAttributesList()).getOrDefault("service.name", "");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    List<String> links = new ArrayList<>();
                    s.getLinksList().forEach(l -> links.add(hex(l.getTraceId()) + "/" + hex(l.getSpanId())));
                    spans.add(new SpanData(service, hex(s.getTraceId()), hex(s.getSpanId()),
                            hex(s.getParentSpanId()), s.getName(), s.getKind().name(), links,
                            text(s.getAttributesList())));
                }
            }
        }
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        Map<String, String> m = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            AnyValue v = kv.getValue();
            m.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case INT_VALUE -> Long.toString(v.getIntValue());
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                default -> v.toString();
            });
        }
        return m;
    }

    private static String hex(ByteString b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
