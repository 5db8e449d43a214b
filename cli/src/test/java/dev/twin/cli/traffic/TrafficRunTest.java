package dev.twin.cli.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.stack.KafkaBroker;
import dev.twin.cli.stack.Ports;
import dev.twin.cli.stack.Topics;
import dev.twin.proto.inference.GRPCInferenceServiceGrpc;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A traffic run against a real broker and a real gRPC server that refuses every call, as an overloaded router does. */
class TrafficRunTest {
    @TempDir
    Path work;

    private final KafkaBroker broker = new KafkaBroker();
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
        broker.stop();
    }

    /**
     * Refused calls settle their items: the run ends once every call has failed instead of waiting out the stall
     * timeout (ten minutes here, far beyond the test's bound), and each refusal is reported with its status.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void refusedGrpcCallsSettleTheirItemsAtOnce() throws Exception {
        int[] ports = Ports.free(3);
        String bootstrap = broker.start(work, ports[0], ports[1]);
        Topics.create(bootstrap, Topics.DEFAULTS, 1);
        AtomicInteger calls = new AtomicInteger();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", ports[2]))
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
                        calls.incrementAndGet();
                        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many pending calls")
                                .asRuntimeException());
                    }
                }).build().start();

        List<TrafficItem> plan = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            plan.add(new TrafficItem("refused-" + i, "task", 0, new float[] {i, 1f}, Channel.GRPC));
        }
        TrafficRun.Settings settings = new TrafficRun.Settings(2, Duration.ofMinutes(10), 5_000, false);
        TrafficResult r = TrafficRun.run(plan, bootstrap, "127.0.0.1:" + ports[2], "twin", settings,
                new PrintStream(OutputStream.nullOutputStream()));

        assertEquals(6, calls.get(), "every item was sent once");
        assertEquals(0, r.answers().size());
        assertEquals(6, r.grpcErrors().size(), r.grpcErrors().toString());
        r.grpcErrors().values().forEach(m -> assertTrue(m.contains("RESOURCE_EXHAUSTED"), m));
        assertEquals(plan, r.unanswered());
    }
}
