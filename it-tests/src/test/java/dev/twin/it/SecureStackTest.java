package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.security.ClientSecurity;
import dev.twin.cli.security.DevCertificates;
import dev.twin.cli.security.StackSecurity;
import dev.twin.cli.security.TlsFiles;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.stack.StackRecord;
import dev.twin.cli.traffic.Answer;
import dev.twin.cli.traffic.OipMessages;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.cli.traffic.TrafficResult;
import dev.twin.cli.traffic.TrafficRun;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.TaskSuite;
import dev.twin.proto.executor.ExecutorGrpc;
import dev.twin.proto.executor.InstallReply;
import dev.twin.proto.executor.ListRequest;
import dev.twin.proto.executor.WeightChunk;
import dev.twin.proto.inference.GRPCInferenceServiceGrpc;
import dev.twin.proto.inference.ServerLiveRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The stack with security on, as {@code twin up --secure} runs it: certificates made here with keytool, the real
 * KRaft broker with a SASL_SSL (SCRAM-SHA-512) listener for clients and an SSL listener requiring client certificates,
 * router and executor on HTTPS/gRPC-TLS only, mutual TLS from the merger to the executor. Requests over gRPC-TLS,
 * HTTPS and Kafka SASL_SSL are answered; wrong or missing credentials, plaintext, and Install calls without the
 * merger's certificate are refused; no secret shows in a log, a health answer, a command line or the stack record.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureStackTest {
    private static final TrafficRun.Settings SETTINGS = new TrafficRun.Settings(16, Duration.ofSeconds(90), 90_000,
            false);
    private static Path work;
    private static TlsFiles tls;
    private static TaskSuite suite;
    private static StackRecord stack;
    private static ClientSecurity client;

    @BeforeAll
    static void up() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "secure-").toAbsolutePath();
        tls = DevCertificates.create(root.resolve("tls"));
        suite = SyntheticBundle.suite();
        Bundle bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        StackSecurity security = new StackSecurity(tls);
        client = security.client();
        // lattice: clusters are materialized and installed on the executor, so the merger's Install must pass
        Stack.Options options = Stack.Options.defaults().withSecurity(security)
                .withRouter("twin.router.grouping.strategy", "lattice")
                .withMerger("twin.merger.cluster-execution", "materialized")
                .withRouter("twin.router.grouping.cluster-records", "per-cluster")
                .withRouter("twin.router.sync-timeout-ms", "90000");
        stack = Stack.up(bundle.dir(), work, options, System.out);
    }

    @AfterAll
    static void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    @Test
    @Order(1)
    @Timeout(300)
    void requestsOverTlsGrpcHttpsAndSaslSslKafkaAreAnswered() throws Exception {
        assertTrue(stack.endpoints().http().startsWith("https://"), stack.endpoints().http());
        List<TrafficItem> plan = TrafficPlan.of(suite.tasks(), 8, 7, "secure");
        TrafficResult r = TrafficRun.run(plan, stack.endpoints().bootstrap(), stack.endpoints().grpc(),
                stack.endpoints().model(), SETTINGS, client, System.out);
        assertEquals(List.of(), r.unanswered().stream().map(TrafficItem::id).toList(), "unanswered requests");
        assertEquals(Map.of(), r.grpcErrors(), "gRPC errors");
        assertEquals(List.of(), r.deadLetters(), "dead letters");
        assertTrue(r.items().stream().anyMatch(i -> i.channel() == dev.twin.cli.traffic.Channel.KAFKA)
                && r.items().stream().anyMatch(i -> i.channel() == dev.twin.cli.traffic.Channel.GRPC), "both channels");
        for (TrafficItem i : plan) {
            assertEquals(i.task(), r.answers().get(i.id()).task(), "head used for " + i.id());
        }

        TrafficItem item = plan.get(0);
        HttpResponse<byte[]> https = client.http().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest
                        .newBuilder(URI.create(stack.endpoints().http() + "/v2/models/" + stack.endpoints().model()
                                + "/infer")).timeout(Duration.ofSeconds(90)).header("content-type", OipMessages.JSON)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(OipMessages.json(item))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, https.statusCode(), new String(https.body(), StandardCharsets.UTF_8));
        Answer a = OipMessages.fromJson(https.body(), System.nanoTime());
        assertEquals(item.id(), a.id());
        assertEquals(r.answers().get(item.id()).predicted(), a.predicted(), "HTTPS answer equals the earlier one");

        // the merger installed the lattice clusters over mutual TLS with its own certificate
        ManagedChannel ch = executorChannel(ClientSecurity.grpc(tls, tls.clientKeyStore()));
        try {
            int installed = ExecutorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listInstalled(ListRequest.getDefaultInstance()).getInstalledCount();
            assertTrue(installed > 0, "sets installed by the merger: " + installed);
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    @Order(2)
    @Timeout(120)
    void kafkaRefusesWrongPasswordNoCredentialsAndPlaintext() throws IOException {
        String bootstrap = stack.endpoints().bootstrap();
        Map<String, String> wrong = new java.util.HashMap<>(client.kafka());
        wrong.put("sasl.jaas.config", ClientSecurity.jaas(TlsFiles.KAFKA_USER, "not-the-password"));
        Throwable e = describeCluster(bootstrap, wrong);
        assertInstanceOf(SaslAuthenticationException.class, e, "wrong password: " + e);
        assertTrue(e.getMessage().contains("Authentication failed"), e.getMessage());

        Map<String, String> unknown = new java.util.HashMap<>(client.kafka());
        unknown.put("sasl.jaas.config", ClientSecurity.jaas("intruder", tls.kafkaPassword()));
        assertInstanceOf(SaslAuthenticationException.class, describeCluster(bootstrap, unknown), "unknown user");

        // TLS but no SASL, and plaintext, on the SASL_SSL port: the broker never answers such a client
        Map<String, String> tlsOnly = Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM",
                "ssl.truststore.location", tls.caPem().toString());
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, describeCluster(bootstrap, tlsOnly),
                "no SASL credentials");
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, describeCluster(bootstrap, Map.of()),
                "plaintext");

        // the admin listener wants a client certificate
        String admin = stack.endpoints().bootstrap().replaceAll(":\\d+$", ":" + adminPort());
        assertInstanceOf(SslAuthenticationException.class, describeCluster(admin, tlsOnly), "SSL without certificate");
        assertEquals(null, describeCluster(bootstrap, client.kafka()), "the right credentials work");
    }

    @Test
    @Order(3)
    @Timeout(120)
    void installIsRefusedWithoutTheMergersCertificate() throws Exception {
        Status none = install(ClientSecurity.grpc(tls, null));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getCode(), none.toString());
        assertTrue(none.getDescription().contains("client certificate"), none.getDescription());

        Status other = install(ClientSecurity.grpc(tls, tls.clientKeyStore()));
        assertEquals(Status.Code.PERMISSION_DENIED, other.getCode(), other.toString());
        assertTrue(other.getDescription().contains(TlsFiles.MERGER_IDENTITY)
                && other.getDescription().contains("CN=" + TlsFiles.CLIENT_IDENTITY), other.getDescription());

        // the merger's certificate passes the guard: the executor judges the (bogus) weights themselves
        Status merger = install(ClientSecurity.grpc(tls, tls.mergerKeyStore()));
        assertEquals(Status.Code.INVALID_ARGUMENT, merger.getCode(), merger.toString());
    }

    @Test
    @Order(4)
    @Timeout(120)
    void plaintextIsRefusedWhereTlsIsConfigured() throws Exception {
        int routerPort = stack.service("router-service").port();
        ManagedChannel plain = Grpc.newChannelBuilder("127.0.0.1:" + routerPort, InsecureChannelCredentials.create())
                .build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> GRPCInferenceServiceGrpc
                    .newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            plain.shutdownNow();
        }
        for (String name : List.of("router-service", "executor-service")) {
            URI uri = URI.create("http://127.0.0.1:" + stack.service(name).port() + "/q/health/live");
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()), name);
        }
        ManagedChannel plainExecutor = executorChannel(InsecureChannelCredentials.create());
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ExecutorGrpc
                    .newBlockingStub(plainExecutor).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listInstalled(ListRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            plainExecutor.shutdownNow();
        }
        // and TLS works on the same port
        ManagedChannel secure = Grpc.newChannelBuilder(stack.endpoints().grpc(), client.grpc()).build();
        try {
            assertTrue(GRPCInferenceServiceGrpc.newBlockingStub(secure).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive(), "ServerLive over TLS");
        } finally {
            secure.shutdownNow();
        }
    }

    @Test
    @Order(5)
    @Timeout(120)
    void noSecretInLogsHealthCommandLinesOrTheStackRecord() throws Exception {
        List<String> secrets = List.of(tls.storePassword(), tls.kafkaPassword());
        List<String> texts = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(work), Files.list(Stack.brokerDir(work)))) {
            files = s.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".json")).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("router-service.log")), "" + files);
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("broker.log")), "" + files);
        for (Path f : files) {
            texts.add(f + ": " + Files.readString(f));
        }
        HttpClient https = client.http().build();
        for (String name : List.of("router-service", "executor-service", "merger-service")) {
            StackRecord.Service s = stack.service(name);
            String scheme = name.equals("merger-service") ? "http" : "https";
            HttpResponse<String> health = (scheme.equals("https") ? https : HttpClient.newHttpClient()).send(
                    HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + s.port() + "/q/health"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), name + " health: " + health.body());
            texts.add(name + " health: " + health.body());
            texts.add(name + " command line: " + ProcessHandle.of(s.pid()).flatMap(p -> p.info().commandLine())
                    .orElseThrow());
        }
        assertTrue(texts.stream().anyMatch(t -> t.contains("SASL_SSL")), "the logs do show the Kafka security protocol");
        for (String t : texts) {
            for (String secret : secrets) {
                assertFalse(t.contains(secret), "a secret appears in " + t.substring(0, Math.min(200, t.length())));
            }
        }
    }

    /** Sends one bogus weight chunk to Install over {@code credentials} and returns how the call ended. */
    private static Status install(ChannelCredentials credentials) throws Exception {
        ManagedChannel ch = executorChannel(credentials);
        try {
            CompletableFuture<Status> done = new CompletableFuture<>();
            StreamObserver<WeightChunk> out = ExecutorGrpc.newStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .install(new StreamObserver<>() {
                        @Override
                        public void onNext(InstallReply reply) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(Status.OK);
                        }
                    });
            out.onNext(WeightChunk.newBuilder().setKey("intruder").setTensor("no.such.tensor").addShape(1)
                    .addData(1f).setLast(true).build());
            out.onCompleted();
            return done.get(40, TimeUnit.SECONDS);
        } finally {
            ch.shutdownNow();
        }
    }

    private static ManagedChannel executorChannel(ChannelCredentials credentials) {
        return Grpc.newChannelBuilder("127.0.0.1:" + stack.service("executor-service").port(), credentials).build();
    }

    /** The broker's SSL (admin) listener port, read from its configuration. */
    private static int adminPort() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Stack.brokerDir(work).resolve("server.properties"))) {
            p.load(in);
        }
        String ssl = p.getProperty("listeners").replaceAll(".*SSL://127\\.0\\.0\\.1:(\\d+)(,|$).*", "$1");
        return Integer.parseInt(ssl);
    }

    /** Null when describeCluster succeeds, else the cause it failed with. */
    private static Throwable describeCluster(String bootstrap, Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }
}
