package dev.twin.merger.executor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Executor;
import dev.twin.proto.executor.HealthReply;
import dev.twin.proto.executor.HealthRequest;
import dev.twin.proto.executor.InstallReply;
import dev.twin.proto.executor.ListReply;
import dev.twin.proto.executor.ListRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.executor.WeightChunk;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The executor played in-process by the test (served on the test's own gRPC port): assembles installs, answers
 * NOT_FOUND for unknown keys, runs rows with core's architecture and the bundle's heads. Counts installs and records
 * every chunk size so the test can check the merger's install protocol.
 */
@GrpcService
public class FakeExecutor implements Executor {
    public static final AtomicInteger INSTALLS = new AtomicInteger();
    public static final AtomicInteger EXECUTES = new AtomicInteger();
    public static final AtomicInteger MAX_CHUNK = new AtomicInteger();
    public static final Map<String, WeightSet> INSTALLED = new ConcurrentHashMap<>();
    private static Bundle bundle;
    private static Architecture arch;

    private static synchronized void load() {
        if (bundle == null) {
            bundle = Bundle.load(Path.of(ConfigProvider.getConfig().getValue("twin.merger.bundle", String.class)));
            arch = Architectures.create(bundle.manifest().architecture());
        }
    }

    @Override
    public Uni<InstallReply> install(Multi<WeightChunk> request) {
        return request.collect().asList().map(chunks -> {
            load();
            Map<String, float[]> data = new java.util.LinkedHashMap<>();
            Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
            String key = chunks.get(0).getKey();
            if (!chunks.get(chunks.size() - 1).getLast()) {
                throw Status.INVALID_ARGUMENT.withDescription("no last chunk").asRuntimeException();
            }
            for (WeightChunk c : chunks) {
                MAX_CHUNK.accumulateAndGet(c.getDataCount(), Math::max);
                int[] shape = c.getShapeList().stream().mapToInt(Integer::intValue).toArray();
                shapes.putIfAbsent(c.getTensor(), shape);
                float[] buf = data.computeIfAbsent(c.getTensor(), t -> new float[(int) FloatTensor.numel(shape)]);
                for (int i = 0; i < c.getDataCount(); i++) {
                    buf[(int) c.getOffset() + i] = c.getData(i);
                }
            }
            WeightSet ws = new WeightSet();
            data.forEach((n, d) -> ws.put(n, new FloatTensor(shapes.get(n), d)));
            INSTALLED.put(key, ws);
            INSTALLS.incrementAndGet();
            return InstallReply.newBuilder().setKey(key).setTensors(ws.size()).setValues(ws.numel()).build();
        });
    }

    @Override
    @Blocking
    public Uni<ExecuteReply> execute(ExecuteRequest request) {
        return Uni.createFrom().item(() -> {
            load();
            WeightSet trunk = INSTALLED.get(request.getKey());
            if (trunk == null) {
                throw Status.NOT_FOUND.withDescription("key '" + request.getKey() + "' not installed")
                        .asRuntimeException();
            }
            EXECUTES.incrementAndGet();
            ExecuteReply.Builder reply = ExecuteReply.newBuilder().setKey(request.getKey());
            try (NDManager m = DjlRuntime.newManager()) {
                for (Row r : request.getRowsList()) {
                    WeightSet all = new WeightSet();
                    trunk.asMap().forEach(all::put);
                    bundle.modules().heads().get(r.getTask()).asMap().forEach(all::put);
                    Map<String, NDArray> params = Params.toNd(m, all);
                    float[] x = new float[r.getValuesCount()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.getValues(i);
                    }
                    float[] logits = arch.logits(params, r.getTask(), m.create(x, new Shape(1, x.length)))
                            .toFloatArray();
                    int best = 0;
                    for (int i = 1; i < logits.length; i++) {
                        best = logits[i] > logits[best] ? i : best;
                    }
                    RowResult.Builder b = RowResult.newBuilder().setRequestId(r.getRequestId()).setTask(r.getTask())
                            .setPredicted(best);
                    for (float v : logits) {
                        b.addLogits(v);
                    }
                    reply.addResults(b);
                }
            }
            return reply.build();
        });
    }

    @Override
    public Uni<ListReply> listInstalled(ListRequest request) {
        return Uni.createFrom().item(ListReply.newBuilder().build());
    }

    @Override
    public Uni<HealthReply> health(HealthRequest request) {
        return Uni.createFrom().item(HealthReply.newBuilder().setReady(true).addAllTasks(List.of()).build());
    }
}
