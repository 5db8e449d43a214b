package dev.twin.executor.grpc;

import dev.twin.core.tensor.WeightSet;
import dev.twin.executor.execute.BatchExecutor;
import dev.twin.executor.metrics.ExecutorMetrics;
import dev.twin.executor.model.LoadedModel;
import dev.twin.executor.model.ModelHolder;
import dev.twin.executor.tracing.ExecutorSpans;
import dev.twin.executor.weights.Installed;
import dev.twin.executor.weights.WeightAssembler;
import dev.twin.executor.weights.WeightStore;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Executor;
import dev.twin.proto.executor.HealthReply;
import dev.twin.proto.executor.HealthRequest;
import dev.twin.proto.executor.InstallReply;
import dev.twin.proto.executor.InstalledSet;
import dev.twin.proto.executor.ListReply;
import dev.twin.proto.executor.ListRequest;
import dev.twin.proto.executor.WeightChunk;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.List;

/** The executor's gRPC endpoint: translates messages and delegates to the weight store and the batch executor. */
@GrpcService
public class ExecutorGrpcService implements Executor {
    private final ModelHolder holder;
    private final WeightStore store;
    private final BatchExecutor executor;
    private final ExecutorMetrics metrics;
    private final ExecutorSpans spans;

    public ExecutorGrpcService(ModelHolder holder, WeightStore store, BatchExecutor executor,
                               ExecutorMetrics metrics, ExecutorSpans spans) {
        this.metrics = metrics;
        this.holder = holder;
        this.store = store;
        this.executor = executor;
        this.spans = spans;
    }

    @Override
    public Uni<InstallReply> install(Multi<WeightChunk> request) {
        long start = metrics.start();
        return request.map(Messages::chunk)
                .collect().in(() -> new WeightAssembler(holder.require().weightShapes()), WeightAssembler::accept)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::install)
                .invoke(() -> metrics.installed(start))
                .onFailure().transform(Statuses::toStatus);
    }

    private InstallReply install(WeightAssembler assembled) {
        WeightSet weights = assembled.finish();
        LoadedModel model = holder.require();
        List<String> evicted = store.install(model, assembled.key(), weights);
        return InstallReply.newBuilder().setKey(assembled.key()).setTensors(weights.size())
                .setValues(weights.numel()).addAllEvicted(evicted).build();
    }

    @Override
    @Blocking
    public Uni<ExecuteReply> execute(ExecuteRequest request) {
        long start = metrics.start();
        String path = ExecutorMetrics.path(request.getKey(), !request.getWeights().isEmpty());
        return Uni.createFrom().item(() -> {
            ExecutorSpans.Requests traced = spans.start(request);
            try {
                ExecuteReply.Builder reply = ExecuteReply.newBuilder().setKey(request.getKey());
                executor.execute(Messages.batch(request)).forEach(o -> reply.addResults(Messages.result(o)));
                traced.end(null);
                return reply.build();
            } catch (RuntimeException e) {
                traced.end(e);
                throw e;
            }
        }).onItemOrFailure().invoke((reply, err) -> metrics.executed(path, request.getRowsCount(),
                err == null ? "ok" : err instanceof dev.twin.executor.reject.RejectedException ? "rejected" : "error",
                start))
                .onFailure().transform(Statuses::toStatus);
    }

    @Override
    public Uni<ListReply> listInstalled(ListRequest request) {
        ListReply.Builder reply = ListReply.newBuilder().setCapacity(store.capacity());
        for (Installed i : store.list()) {
            reply.addInstalled(InstalledSet.newBuilder().setKey(i.key()).setValues(i.values()));
        }
        return Uni.createFrom().item(reply.build());
    }

    @Override
    public Uni<HealthReply> health(HealthRequest request) {
        HealthReply.Builder reply = HealthReply.newBuilder().setReady(holder.ready()).setDetail(holder.status());
        if (holder.ready()) {
            LoadedModel m = holder.require();
            reply.addAllTasks(m.tasks());
            for (int d : m.architecture().inputShape()) {
                reply.addInputShape(d);
            }
        }
        return Uni.createFrom().item(reply.build());
    }
}
