package dev.twin.merger.tracing;

import dev.twin.proto.trace.TraceParent;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.context.Context;

/**
 * Puts the current span's W3C trace context into the metadata of each call on the merger's own executor channels
 * (plain grpc-java channels, which Quarkus does not instrument); the executor's server span becomes its child.
 */
public final class TraceContextInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        Context context = Context.current();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                TraceParent.inject(context, (k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER),
                        v));
                super.start(listener, headers);
            }
        };
    }
}
