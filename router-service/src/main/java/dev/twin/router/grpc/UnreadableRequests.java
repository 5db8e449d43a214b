package dev.twin.router.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A unary call whose request bytes do not decode (not protobuf, truncated, a wrong wire type) reaches the service as
 * a half-close without a message, which gRPC's unary handler answers INTERNAL "Half-closed without a request". A
 * malformed request is the client's error: answer INVALID_ARGUMENT with the reason instead (found by RouterFuzzTest).
 */
@GlobalInterceptor
@ApplicationScoped
public class UnreadableRequests implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean received;

            @Override
            public void onMessage(Q message) {
                received = true;
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (received) {
                    super.onHalfClose();
                    return;
                }
                String method = call.getMethodDescriptor().getFullMethodName();
                call.close(Status.INVALID_ARGUMENT.withDescription("the request of " + method + " is not a readable"
                        + " protobuf message (malformed, truncated or missing)"), new Metadata());
            }
        };
    }
}
