package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.Ports;
import dev.twin.cli.stack.ServiceProcess;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.OipMessages;
import dev.twin.core.router.RouterSession;
import dev.twin.cli.traffic.Answer;
import dev.twin.cli.traffic.DlqRecord;
import dev.twin.cli.traffic.GrpcClient;
import dev.twin.cli.traffic.KafkaClient;
import dev.twin.cli.traffic.OfflineReference;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.suite.TaskSuite;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The stack as users run it — a real KRaft broker and the packaged router, merger and two executors as processes —
 * driven by real clients (a Kafka producer/consumer, grpc-java, java.net.http): mixed traffic answered exactly once
 * after de-duplication with the predictions of the same strategy served offline; every kind of bad input answered
 * clearly while good traffic flows; an executor killed and the merger restarted mid-run without losing a request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingEndToEndTest {
    private static final TrafficRun.Settings SETTINGS = new TrafficRun.Settings(32, Duration.ofSeconds(90), 90_000,
            false);
    private static Path root;
    private static Path work;
    private static TaskSuite suite;
    private static Bundle bundle;
    private static StackRecord stack;

    @BeforeAll
    static void up() throws Exception {
        root = Files.createTempDirectory(Path.of("target"), "e2e-").toAbsolutePath();
        suite = SyntheticBundle.suite();
        bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        Stack.Options options = Stack.Options.defaults().withExecutors(2)
                .withRouter("twin.router.sync-timeout-ms", "90000")
                .withRouter("twin.router.max-payload-bytes", "65536");
        stack = Stack.up(bundle.dir(), work, options, System.out);
    }

    @AfterAll
    static void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    /**
     * Predictions of the stack's default strategy, exact, computed in this JVM without services by the other
     * implementation: θ(w) materialized per request (the stack applies the experts factored per row).
     */
    private static Map<String, Integer> offline(List<TrafficItem> items) {
        return OfflineReference.bundle(bundle, GroupingStrategies.create("exact", 4, 2, 4, 0),
                bundle.manifest().router().temperature(), items);
    }

    private static void assertServedLikeOffline(TrafficResult r) {
        assertEquals(List.of(), r.unanswered().stream().map(TrafficItem::id).toList(), "unanswered requests");
        // nothing failed (and restarts were graceful): every Kafka request has exactly one result on twin.results
        assertEquals(0, r.duplicates(), "duplicate results on the results topic");
        assertEquals(r.items().size(), r.answers().size(), "one answer per request id");
        assertEquals(Map.of(), r.grpcErrors(), "gRPC errors");
        assertEquals(List.of(), r.deadLetters(), "good requests in the DLQ");
        Map<String, Integer> expected = offline(r.items());
        int correct = 0;
        int offlineCorrect = 0;
        for (TrafficItem i : r.items()) {
            Answer a = r.answers().get(i.id());
            assertEquals(i.task(), a.task(), "head used for " + i.id());
            assertEquals(expected.get(i.id()), a.predicted(), "prediction of " + i.id() + " (cluster " + a.clusterKey()
                    + ")");
            correct += a.predicted() == i.label() ? 1 : 0;
            offlineCorrect += expected.get(i.id()) == i.label() ? 1 : 0;
        }
        assertEquals(offlineCorrect, correct, "accuracy equals the offline evaluation of the same strategy");
        System.out.printf("%d requests (%d Kafka, %d gRPC): accuracy %.4f, %d duplicate results dropped, %.1f/s%n",
                r.items().size(), r.items().stream().filter(i -> i.channel() == dev.twin.cli.traffic.Channel.KAFKA)
                        .count(), r.items().stream().filter(i -> i.channel() == dev.twin.cli.traffic.Channel.GRPC)
                        .count(), (double) correct / r.items().size(), r.duplicates(), r.throughput());
    }

    private static TrafficResult run(List<TrafficItem> plan) {
        return TrafficRun.run(plan, stack.endpoints().bootstrap(), stack.endpoints().grpc(), stack.endpoints().model(),
                SETTINGS, System.out);
    }

    @Test
    @Order(1)
    @Timeout(240)
    void mixedKafkaAndGrpcTrafficIsAnsweredOnceWithTheOfflinePredictions() {
        assertServedLikeOffline(run(TrafficPlan.of(suite.tasks(), 60, 1, "mixed")));
    }

    @Test
    @Order(2)
    @Timeout(240)
    void everyBadInputIsAnsweredWithItsReasonAndGoodTrafficFlowsAroundIt() throws Exception {
        Map<String, DlqRecord> dlq = new ConcurrentHashMap<>();
        Map<String, String> expectedKafka = BadInputs.kafka(suite.tasks().get(0).name());
        try (KafkaClient kafka = new KafkaClient(stack.endpoints().bootstrap(), KafkaClient.DEFAULT_TOPICS)) {
            kafka.listen(a -> { }, d -> dlq.put(d.key(), d));
            BadInputs.sendKafka(kafka, suite.tasks().get(0).name());
            kafka.flush();

            try (GrpcClient grpc = new GrpcClient(stack.endpoints().grpc())) {
                BadInputs.grpc(suite.tasks().get(0).name()).forEach((name, c) -> {
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                            () -> grpc.inferBlocking(c.request(), 30_000), name);
                    assertEquals(c.code(), e.getStatus().getCode(), name + ": " + e.getStatus());
                    assertTrue(String.valueOf(e.getStatus().getDescription()).contains(c.reason()),
                            name + ": '" + e.getStatus().getDescription() + "' should name '" + c.reason() + "'");
                });
            }
            BadInputs.rest(stack.endpoints().http(), stack.endpoints().model(), suite.tasks().get(0).name())
                    .forEach((name, c) -> {
                        var r = BadInputs.post(c.uri(), c.body());
                        assertEquals(400, r.statusCode(), name + ": " + r.body());
                        assertTrue(r.body().contains(c.reason()), name + ": " + r.body() + " should name '"
                                + c.reason() + "'");
                    });

            assertServedLikeOffline(run(TrafficPlan.of(suite.tasks(), 20, 2, "around-bad")));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!dlq.keySet().containsAll(expectedKafka.keySet()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        expectedKafka.forEach((key, reason) -> {
            DlqRecord d = dlq.get(key);
            assertTrue(d != null, "bad record '" + key + "' in " + KafkaClient.DEFAULT_TOPICS.dlq() + " (have "
                    + dlq.keySet() + ")");
            assertEquals("router", d.stage(), key);
            assertTrue(d.error().contains(reason), key + ": '" + d.error() + "' should name '" + reason + "'");
        });
    }

    @Test
    @Order(3)
    @Timeout(300)
    void restartingTheMergerMidRunLosesNoRequest() throws Exception {
        List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 80, 3, "merger-restart");
        TrafficResult r = runWithFault(plan, () -> stack = Stack.restart(work, "merger-service", System.out));
        assertServedLikeOffline(r);
    }

    @Test
    @Order(4)
    @Timeout(300)
    void killingAnExecutorMidRunLosesNoRequest() throws Exception {
        List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 80, 4, "executor-kill");
        long pid = stack.service(Stack.executorName(0)).pid();
        TrafficResult r = runWithFault(plan, () -> {
            System.out.println("killing " + Stack.executorName(0) + " (pid " + pid + ") with SIGKILL");
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        });
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the executor is gone");
        assertServedLikeOffline(r);
    }

    @Test
    @Order(5)
    @Timeout(300)
    void withTwoRoutersConcurrentCallersReusingOneIdGetTheirOwnAnswers() throws Exception {
        StackRecord.Service first = stack.service("router-service");
        ServiceProcess.Spec spec = first.spec();
        ServiceProcess.Spec second = new ServiceProcess.Spec("router-service-2", spec.jar(), Ports.free(1)[0],
                spec.heap(), spec.properties());
        ServiceProcess.Started started = ServiceProcess.start(second, work);
        try {
            ServiceProcess.awaitReady(started, System.nanoTime() + Stack.SERVICES_TIMEOUT.toNanos(),
                    Stack.SERVICES_TIMEOUT);
            List<TrafficItem> items = TrafficPlan.of(suite.tasks(), 2, 5, "own");
            Map<String, Integer> expected = offline(items);
            List<String> targets = List.of(stack.endpoints().grpc(), "127.0.0.1:" + second.port());
            // every caller uses the same id; half of them on each router, all at once
            List<CompletableFuture<dev.twin.proto.inference.ModelInferResponse>> calls = new java.util.ArrayList<>();
            List<GrpcClient> clients = List.of(new GrpcClient(targets.get(0)), new GrpcClient(targets.get(1)));
            try {
                for (int i = 0; i < items.size(); i++) {
                    CompletableFuture<dev.twin.proto.inference.ModelInferResponse> f = new CompletableFuture<>();
                    clients.get(i % 2).infer(OipMessages.proto(items.get(i), stack.endpoints().model()).toBuilder()
                            .setId("shared-id").build(), 90_000, f::complete, f::completeExceptionally);
                    calls.add(f);
                }
                try (RouterSession router = RouterSession.load(bundle.dir().resolve("router.onnx"))) {
                    double temperature = bundle.manifest().router().temperature();
                    for (int i = 0; i < items.size(); i++) {
                        TrafficItem item = items.get(i);
                        Answer a = OipMessages.fromProto(calls.get(i).get(120, TimeUnit.SECONDS), System.nanoTime());
                        assertEquals("shared-id", a.id());
                        // the row's own router weights (an independent router session) tell whose answer it is
                        float[] w = RouterSession.softmax(router.logits(item.input(), 1)[0], temperature);
                        for (int t = 0; t < w.length; t++) {
                            assertEquals(w[t], a.routerWeights().get(0).get(router.tasks().get(t)), 1e-5f,
                                    "caller " + i + " (router " + (i % 2 + 1) + ") got another caller's answer");
                        }
                        assertEquals(expected.get(item.id()), a.predicted(), "prediction for caller " + i);
                    }
                }
            } finally {
                clients.forEach(GrpcClient::close);
            }
        } finally {
            ServiceProcess.stop(started.pid(), second.jar());
            // the next test starts on a settled group: its traffic must not race the rebalance of this router leaving
            try (ScaleProbe probe = new ScaleProbe(stack.endpoints().bootstrap())) {
                ScaleProbe.millisUntil(System.nanoTime(), Duration.ofSeconds(60), "the routers' group settling on one",
                        () -> probe.groupStable("twin-router", 1));
            }
        }
    }

    @Test
    @Order(6)
    @Timeout(400)
    void sigtermRestartsOfMergerAndRouterMidRunAnswerEveryKafkaRequestExactlyOnce() throws Exception {
        List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 80, 6, "drain").stream()
                .map(i -> new TrafficItem(i.id(), i.task(), i.label(), i.input(), dev.twin.cli.traffic.Channel.KAFKA))
                .toList();
        TrafficResult r = runWithFault(plan, () -> {
            stack = Stack.restart(work, "merger-service", System.out);
            stack = Stack.restart(work, "router-service", System.out);
        });
        assertServedLikeOffline(r);
    }

    /** Runs the plan and, once a third of it is answered, the fault (on this thread, while traffic goes on). */
    private static TrafficResult runWithFault(List<TrafficItem> plan, Runnable fault) throws Exception {
        CountDownLatch third = new CountDownLatch(1);
        CompletableFuture<TrafficResult> traffic = CompletableFuture.supplyAsync(() -> TrafficRun.run(plan,
                stack.endpoints().bootstrap(), stack.endpoints().grpc(), stack.endpoints().model(), SETTINGS, n -> {
                    if (n >= plan.size() / 3) {
                        third.countDown();
                    }
                }, System.out));
        assertTrue(third.await(120, TimeUnit.SECONDS), "a third of the traffic answered before the fault");
        fault.run();
        return traffic.get(240, TimeUnit.SECONDS);
    }
}
