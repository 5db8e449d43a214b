package dev.twin.cli.traffic;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import dev.twin.proto.inference.GRPCInferenceServiceGrpc;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** An OIP gRPC client (grpc-java over Netty, plaintext or TLS) of the router: asynchronous ModelInfer calls. */
public final class GrpcClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub stub;

    /** {@code target} is host:port of the router's gRPC endpoint. */
    public GrpcClient(String target) {
        this(target, InsecureChannelCredentials.create());
    }

    /** Over {@code credentials}: TLS verifying the router (see security.ClientSecurity#grpc) or plaintext. */
    public GrpcClient(String target, ChannelCredentials credentials) {
        channel = NettyChannelBuilder.forTarget(target, credentials).maxInboundMessageSize(16 << 20).build();
        stub = GRPCInferenceServiceGrpc.newFutureStub(channel);
    }

    /** Calls ModelInfer; exactly one of the callbacks runs, with the answer or the call's error. */
    public void infer(ModelInferRequest request, long deadlineMs, Consumer<ModelInferResponse> onAnswer,
                      Consumer<Throwable> onError) {
        Futures.addCallback(stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS).modelInfer(request),
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(ModelInferResponse r) {
                        onAnswer.accept(r);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        onError.accept(t);
                    }
                }, MoreExecutors.directExecutor());
    }

    /** A blocking call, for tests and single requests. */
    public ModelInferResponse inferBlocking(ModelInferRequest request, long deadlineMs) {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .modelInfer(request);
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }
}
