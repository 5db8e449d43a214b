package dev.twin.executor.metrics;

import dev.twin.proto.executor.ExecutorGrpc;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts an Execute call into the queue depth when it arrives (on the event loop, before it waits for a worker
 * thread) and out when it is answered or cancelled: the depth includes calls still waiting for a thread.
 */
@GlobalInterceptor
@ApplicationScoped
public class QueueDepthInterceptor implements ServerInterceptor {
    private final ExecutorMetrics metrics;

    public QueueDepthInterceptor(ExecutorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        if (!ExecutorGrpc.getExecuteMethod().getFullMethodName().equals(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        metrics.queued();
        AtomicBoolean out = new AtomicBoolean();
        ServerCall<Q, A> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (out.compareAndSet(false, true)) {
                    metrics.dequeued();
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(counted, headers);
        return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                if (out.compareAndSet(false, true)) {
                    metrics.dequeued();
                }
                super.onCancel();
            }
        };
    }
}
