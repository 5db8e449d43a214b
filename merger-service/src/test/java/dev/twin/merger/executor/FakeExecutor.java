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
import dev.twin.core.materialize.Materializer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The executor played in-process by the test (served on the test's own gRPC port): assembles installs, answers
 * NOT_FOUND for unknown keys, runs rows with core's architecture and the bundle's heads over the installed set, θ*
 * (empty key) or, for rows with their own weights, θ(w_row) materialized by core. Counts installs, records every
 * chunk size and every execute request so the test can check the merger's protocol; can hold calls of a key.
 */
@GrpcService
public class FakeExecutor implements Executor {
    public static final AtomicInteger INSTALLS = new AtomicInteger();
    public static final AtomicInteger EXECUTES = new AtomicInteger();
    public static final AtomicInteger MAX_CHUNK = new AtomicInteger();
    public static final Map<String, WeightSet> INSTALLED = new ConcurrentHashMap<>();
    /** Every execute request received, in arrival order. */
    public static final Queue<ExecuteRequest> REQUESTS = new ConcurrentLinkedQueue<>();
    /** A call on one of these keys waits for its latch ("" = θ* calls): the test plays a slow executor. */
    public static final Map<String, CountDownLatch> HOLD = new ConcurrentHashMap<>();
    private static Bundle bundle;
    private static Architecture arch;
    private static Materializer materializer;

    private static synchronized void load() {
        if (bundle == null) {
            bundle = Bundle.load(Path.of(ConfigProvider.getConfig().getValue("twin.merger.bundle", String.class)));
            arch = Architectures.create(bundle.manifest().architecture());
            materializer = new Materializer(bundle.modules());
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
            CountDownLatch hold = HOLD.get(request.getKey());
            if (hold != null) {
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // a row of a request named "reject-…" plays a batch the executor refuses
            for (Row r : request.getRowsList()) {
                if (r.getRequestId().startsWith("reject-")) {
                    throw Status.INVALID_ARGUMENT.withDescription("row of request '" + r.getRequestId()
                            + "' refused").asRuntimeException();
                }
            }
            WeightSet trunk = request.getKey().isEmpty() ? null : INSTALLED.get(request.getKey());
            if (!request.getKey().isEmpty() && trunk == null) {
                throw Status.NOT_FOUND.withDescription("key '" + request.getKey() + "' not installed")
                        .asRuntimeException();
            }
            EXECUTES.incrementAndGet();
            REQUESTS.add(request);
            int n = request.getRowsCount();
            int dim = request.getInputs().size() / Float.BYTES / Math.max(1, n);
            int t = bundle.modules().tasks().size();
            FloatBuffer x = request.getInputs().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            FloatBuffer w = request.getWeights().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            ExecuteReply.Builder reply = ExecuteReply.newBuilder().setKey(request.getKey());
            try (NDManager m = DjlRuntime.newManager()) {
                for (int i = 0; i < n; i++) {
                    Row r = request.getRows(i);
                    // the row's base: the installed set, or θ* = θ(0); with weights, θ(w_row) materialized by core
                    WeightSet all = new WeightSet();
                    if (request.getWeights().isEmpty()) {
                        (trunk != null ? trunk : theta(new float[t])).asMap().forEach(all::put);
                    } else {
                        float[] wr = new float[t];
                        w.get(i * t, wr);
                        theta(wr).asMap().forEach(all::put);
                    }
                    bundle.modules().heads().get(r.getTask()).asMap().forEach(all::put);
                    Map<String, NDArray> params = Params.toNd(m, all);
                    float[] xr = new float[dim];
                    x.get(i * dim, xr);
                    float[] logits = arch.logits(params, r.getTask(), m.create(xr, new Shape(1, dim))).toFloatArray();
                    int best = 0;
                    for (int j = 1; j < logits.length; j++) {
                        best = logits[j] > logits[best] ? j : best;
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

    /** θ(w) without heads, from core's Materializer (the reference the merger's answers are checked against). */
    private static synchronized WeightSet theta(float[] w) {
        return materializer.materializeWeights(w).filter(n -> !n.matches(Architecture.HEAD_REGEX));
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
