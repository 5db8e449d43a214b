package dev.twin.merger.executor;

import ai.djl.ndarray.NDArray;
import dev.twin.merger.cache.MergedWeights;
import dev.twin.merger.tracing.TraceContextInterceptor;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.ExecutorGrpc;
import dev.twin.proto.executor.InstallReply;
import dev.twin.proto.executor.WeightChunk;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The gRPC client of one executor: executes a batch, and when the executor lacks the key (NOT_FOUND) or the set is
 * new, installs it first as a stream of chunks of at most {@link #CHUNK} floats.
 */
public final class ExecutorClient implements AutoCloseable {
    /** 1 MiB of float32 values per chunk (the executor's bound). */
    public static final int CHUNK = 262_144;

    private final String address;
    private final ManagedChannel channel;
    private final long timeoutSeconds;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongConsumer installNanos;

    public ExecutorClient(String address, long timeoutSeconds) {
        this(address, timeoutSeconds, InsecureChannelCredentials.create(), nanos -> { });
    }

    /**
     * A client over {@code credentials} (plaintext or TLS, see security.ExecutorCredentials); {@code installNanos} is
     * told the time of every successful install (for metrics).
     */
    public ExecutorClient(String address, long timeoutSeconds, ChannelCredentials credentials,
                          LongConsumer installNanos) {
        this.installNanos = installNanos;
        this.address = address;
        this.timeoutSeconds = timeoutSeconds;
        this.channel = Grpc.newChannelBuilder(address, credentials)
                .maxInboundMessageSize(64 << 20).intercept(new TraceContextInterceptor()).build();
    }

    public String address() {
        return address;
    }

    /** Calls running on this executor now (the load that exact and static traffic is balanced by). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Runs the batch with weights installed under request.key, installing them first when needed. */
    public ExecuteReply run(ExecuteRequest request, MergedWeights weights, boolean installFirst) {
        inFlight.incrementAndGet();
        try {
            if (installFirst) {
                install(weights);
            }
            try {
                return stub().execute(request);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
            install(weights);
            return stub().execute(request);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Runs a batch that needs no installed set (key empty: θ*, with or without per-row weights). */
    public ExecuteReply run(ExecuteRequest request) {
        inFlight.incrementAndGet();
        try {
            return stub().execute(request);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private ExecutorGrpc.ExecutorBlockingStub stub() {
        return ExecutorGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Streams every tensor in order, CHUNK floats at a time; the final chunk is marked last. */
    public InstallReply install(MergedWeights weights) {
        long t0 = System.nanoTime();
        InstallReply reply = stream(weights);
        installNanos.accept(System.nanoTime() - t0);
        return reply;
    }

    private InstallReply stream(MergedWeights weights) {
        CompletableFuture<InstallReply> done = new CompletableFuture<>();
        StreamObserver<WeightChunk> out = ExecutorGrpc.newStub(channel)
                .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                .install(new StreamObserver<>() {
                    @Override
                    public void onNext(InstallReply value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.completeExceptionally(new IllegalStateException(address + ": install gave no reply"));
                    }
                });
        try {
            int remaining = weights.tensors().size();
            for (Map.Entry<String, NDArray> e : weights.tensors().entrySet()) {
                remaining--;
                float[] d = e.getValue().toFloatArray();
                long[] shape = e.getValue().getShape().getShape();
                for (int off = 0; off < d.length || off == 0; off += CHUNK) {
                    int end = Math.min(d.length, off + CHUNK);
                    WeightChunk.Builder b = WeightChunk.newBuilder().setKey(weights.key()).setTensor(e.getKey())
                            .setOffset(off).setLast(remaining == 0 && end == d.length);
                    for (long s : shape) {
                        b.addShape(Math.toIntExact(s));
                    }
                    for (int i = off; i < end; i++) {
                        b.addData(d[i]);
                    }
                    out.onNext(b.build());
                    if (end == d.length) {
                        break;
                    }
                }
            }
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(e);
            throw e;
        }
        try {
            return done.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw s;
            }
            throw new IllegalStateException(address + ": install of '" + weights.key() + "' failed: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription(address + ": install of '" + weights.key()
                    + "' took longer than " + timeoutSeconds + " s").asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    /** Graceful: calls already running finish, new ones fail with UNAVAILABLE (the executor left the set). */
    public void shutdown() {
        channel.shutdown();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
