package dev.twin.router.grpc;

import dev.twin.proto.inference.GRPCInferenceService;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.inference.ModelMetadataRequest;
import dev.twin.proto.inference.ModelMetadataResponse;
import dev.twin.proto.inference.ModelReadyRequest;
import dev.twin.proto.inference.ModelReadyResponse;
import dev.twin.proto.inference.ServerLiveRequest;
import dev.twin.proto.inference.ServerLiveResponse;
import dev.twin.proto.inference.ServerMetadataRequest;
import dev.twin.proto.inference.ServerMetadataResponse;
import dev.twin.proto.inference.ServerReadyRequest;
import dev.twin.proto.inference.ServerReadyResponse;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.metadata.ModelSignature;
import dev.twin.router.metrics.Channel;
import dev.twin.router.metrics.RouterMetrics;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.request.RequestParser;
import dev.twin.router.overload.OverloadedException;
import dev.twin.router.sync.CallFailedException;
import dev.twin.router.sync.SyncOriginals;
import dev.twin.router.route.LoadedRouter;
import dev.twin.router.route.RouterHolder;
import dev.twin.router.sync.SyncInference;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletionException;

/** The Open Inference Protocol (KServe v2) over gRPC. */
@GrpcService
public class InferenceGrpcService implements GRPCInferenceService {
    private final RouterHolder holder;
    private final SyncInference sync;
    private final RouterConfig config;
    private final RouterMetrics metrics;

    public InferenceGrpcService(RouterHolder holder, SyncInference sync, RouterConfig config, RouterMetrics metrics) {
        this.holder = holder;
        this.sync = sync;
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Uni<ServerLiveResponse> serverLive(ServerLiveRequest request) {
        return Uni.createFrom().item(ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public Uni<ServerReadyResponse> serverReady(ServerReadyRequest request) {
        return Uni.createFrom().item(ServerReadyResponse.newBuilder().setReady(holder.ready()).build());
    }

    @Override
    public Uni<ModelReadyResponse> modelReady(ModelReadyRequest request) {
        return Uni.createFrom().item(() -> {
            knownModel(request.getName());
            return ModelReadyResponse.newBuilder().setReady(holder.ready()).build();
        });
    }

    @Override
    public Uni<ServerMetadataResponse> serverMetadata(ServerMetadataRequest request) {
        return Uni.createFrom().item(ServerMetadataResponse.newBuilder().setName("twin-router").setVersion("1").build());
    }

    @Override
    public Uni<ModelMetadataResponse> modelMetadata(ModelMetadataRequest request) {
        return Uni.createFrom().item(() -> {
            knownModel(request.getName());
            ModelSignature sig = ModelSignature.of(ready());
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(config.modelName())
                    .addVersions("1").setPlatform("twin-merging");
            sig.inputs().forEach(t -> b.addInputs(tensor(t)));
            sig.outputs().forEach(t -> b.addOutputs(tensor(t)));
            return b.build();
        });
    }

    @Override
    public Uni<ModelInferResponse> modelInfer(ModelInferRequest request) {
        long start = metrics.start();
        InferenceRequest parsed;
        try {
            parsed = ready().parser().parseGrpc(request);
        } catch (BadRequestException e) {
            metrics.rejected(Channel.GRPC, e.problem());
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
        } catch (RuntimeException e) {
            metrics.failed(Channel.GRPC, holder.ready() ? "internal" : "not_ready");
            return Uni.createFrom().failure(e);
        }
        String id = parsed.id();
        return Uni.createFrom().completionStage(() -> sync.infer(parsed, SyncOriginals.of(id, request.toByteString(),
                        RequestParser.PROTOBUF), Channel.GRPC, start))
                .map(bytes -> {
                    try {
                        return ModelInferResponse.parseFrom(bytes);
                    } catch (InvalidProtocolBufferException e) {
                        throw Status.INTERNAL.withDescription("result for request '" + id
                                + "' is not a protobuf ModelInferResponse: " + e.getMessage()).asRuntimeException();
                    }
                })
                .onFailure().transform(InferenceGrpcService::toStatus);
    }

    private static ModelMetadataResponse.TensorMetadata tensor(ModelSignature.Tensor t) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(t.name()).setDatatype(t.datatype())
                .addAllShape(t.shape()).build();
    }

    private LoadedRouter ready() {
        if (!holder.ready()) {
            throw Status.UNAVAILABLE.withDescription("router not ready: " + holder.status()).asRuntimeException();
        }
        return holder.require();
    }

    private void knownModel(String name) {
        if (!config.modelName().equals(name)) {
            throw Status.NOT_FOUND.withDescription("unknown model '" + name + "' (this server serves '"
                    + config.modelName() + "')").asRuntimeException();
        }
    }

    private static Throwable toStatus(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof BadRequestException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof OverloadedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof CallFailedException f) {
            return SyncOriginals.status(f.code()).withDescription(f.getMessage()).asRuntimeException();
        }
        if (e instanceof io.grpc.StatusRuntimeException || e instanceof io.grpc.StatusException) {
            return e;
        }
        return Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException();
    }
}
