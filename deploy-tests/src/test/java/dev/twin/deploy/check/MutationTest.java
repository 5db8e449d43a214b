package dev.twin.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.deploy.Repo;
import dev.twin.deploy.manifest.Kustomize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A copy of deploy/k8s (and of the services' config files) with one edit is rendered and checked: each edit is a
 * real mistake (a renamed key, a wrong port or path, a topic or bootstrap that does not exist) and must be reported.
 */
class MutationTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            deploy/k8s/base/router.yaml | TWIN_ROUTER_BATCH_MAX_SIZE | TWIN_ROUTER_BATCH_MAXSIZE | TWIN_ROUTER_BATCH_MAXSIZE sets no configuration key of router-service
            deploy/k8s/base/merger.yaml | TWIN_MERGER_CACHE_BUDGET_BYTES | TWIN_MERGER_CACHE_BYTES | TWIN_MERGER_CACHE_BYTES sets no configuration key of merger-service
            deploy/k8s/base/executor.yaml | TWIN_EXECUTOR_MAX_INSTALLED: | TWIN_ROUTER_MAX_INSTALLED: | TWIN_ROUTER_MAX_INSTALLED sets no configuration key of executor-service
            deploy/k8s/base/kafka-user.yaml | kafka-kafka-bootstrap:9092 | kafka-bootstrap:9092 | bootstrap kafka-bootstrap:9092 is not kafka-kafka-bootstrap
            deploy/k8s/base/kafka-user.yaml | KAFKA_SASL_MECHANISM | KAFKA_SASL_MECHANISMS | KAFKA_SASL_MECHANISMS is no Kafka client property
            deploy/k8s/base/kafka-user.yaml | SASL_SSL | SSL | KAFKA_SECURITY_PROTOCOL SSL does not match listener scram
            deploy/k8s/base/kafka-user.yaml | /etc/kafka-ca/ca.p12 | /etc/kafka/ca.p12 | is not a file of the mounted kafka-cluster-ca-cert
            deploy/k8s/base/router.yaml | containerPort: 9200 | containerPort: 8080 | twin-router: no container port 9200
            deploy/k8s/base/merger.yaml | path: /q/health/ready | path: /health/ready | readiness probe path /health/ready is not /q/health/ready
            deploy/k8s/base/executor.yaml | readinessProbe | readinesProbe | unknown field(s) [readinesProbe]
            deploy/k8s/base/merger.yaml | terminationGracePeriodSeconds: 45 | terminationGracePeriodSeconds: 30 | does not exceed merger-service's quarkus.shutdown.timeout
            deploy/k8s/base/topics.yaml | name: twin.routed | name: twin.route | uses topic twin.routed, which no KafkaTopic creates
            deploy/k8s/base/router.yaml | consumerGroup: twin-router | consumerGroup: twin-routers | twin-router does not consume twin.requests in group twin-routers
            deploy/k8s/base/merger.yaml | maxReplicaCount: 4 | maxReplicaCount: 12 | maxReplicaCount 12 exceeds the 8 partitions of twin.routed
            deploy/k8s/base/router.yaml | lagThreshold | lagTreshold | unknown field 'lagTreshold'
            deploy/k8s/base/merger.yaml | sasl: scram_sha512 | sasl: scram_sha256 | sasl/tls do not match listener scram
            deploy/k8s/base/merger.yaml | DNS_NAME: twin-executor | DNS_NAME: twin-executors | discovery dns-name twin-executors is not a headless Service here
            deploy/k8s/base/merger.yaml | DNS_PORT: "9100" | DNS_PORT: "9101" | does not select a StatefulSet's pods with container port 9101
            deploy/k8s/base/topics.yaml | name: twin.executors | name: twin.executor | twin.merger.topics.executors = twin.executors has no KafkaTopic
            deploy/k8s/base/executor.yaml | path: /q/metrics | path: /metrics | path /metrics is not /q/metrics
            deploy/k8s/base/kafka.yaml | authentication: {type: scram-sha-512} | authentification: {type: scram-sha-512} | unknown field(s) [authentification]
            deploy/k8s/base/kafka-user.yaml | operations: [Read, Describe] | operations: [Describe] | no KafkaUser ACL lets channel incoming.requests join group twin-router
            deploy/k8s/base/topics.yaml | replicas: 3 | replicas: 4 | 4 replicas on 3 brokers
            deploy/k8s/base/kafka-user.yaml | key: ca.crt | key: ca.pem | Secret kafka-cluster-ca-cert has no key ca.pem
            deploy/k8s/overlays/gpu/merger-gpu.yaml | tolerations: | tolerationz: | unknown field(s) [tolerationz]
            deploy/k8s/overlays/gpu/executor-gpu.yaml | key: nvidia.com/gpu | key: gpu | asks for nvidia.com/gpu but lacks a toleration
            router-service/src/main/resources/application.properties | quarkus.http.port=9200 | quarkus.http.port=9201 | twin-router: no container port 9201
            router-service/src/main/java/dev/twin/router/config/RouterConfig.java | int maxSize(); | int maxItems(); | application.properties sets twin.router.batch.max-size, which its @ConfigMapping does not declare
            merger-service/src/main/resources/application.properties | group.id=twin-merger | group.id=twin-merge | twin-merger does not consume twin.routed in group twin-merger
            """)
    void aMistakeIsReported(String file, String from, String to, String expected) throws IOException {
        Path repo = copy();
        Path target = repo.resolve(file);
        String text = Files.readString(target);
        assertTrue(text.contains(from), file + " does not contain '" + from + "'");
        Files.writeString(target, text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        String overlay = file.contains("overlays/gpu") ? "overlays/gpu" : "overlays/cpu";
        List<String> problems = CrossCheck.problems(Stack.of(Kustomize.render(repo.resolve("deploy/k8s").resolve(overlay))), repo);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing '" + expected + "', got " + problems);
    }

    /** The unmutated copy passes: the problems above come from the edits alone. */
    @org.junit.jupiter.api.Test
    void theCopyItselfPasses() throws IOException {
        Path repo = copy();
        for (String overlay : List.of("overlays/cpu", "overlays/gpu")) {
            assertEquals(List.of(), CrossCheck.problems(Stack.of(Kustomize.render(repo.resolve("deploy/k8s").resolve(overlay))), repo));
        }
    }

    private Path copy() throws IOException {
        Path root = Repo.root();
        copyTree(root.resolve("deploy/k8s"), tmp.resolve("deploy/k8s"));
        for (String module : List.of("router-service", "merger-service", "executor-service")) {
            Files.createDirectories(tmp.resolve(module));
            Files.copy(root.resolve(module).resolve("pom.xml"), tmp.resolve(module).resolve("pom.xml"));
            copyTree(root.resolve(module).resolve("src/main/resources"), tmp.resolve(module).resolve("src/main/resources"));
            copyTree(root.resolve(module).resolve("src/main/java"), tmp.resolve(module).resolve("src/main/java"));
        }
        return tmp;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
