package dev.twin.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.deploy.Repo;
import dev.twin.deploy.manifest.Kustomize;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The renderings agree with the services and with themselves; the overlays differ where they should. */
class CrossCheckTest {

    static Stack render(String dir) {
        return Stack.of(Kustomize.render(Repo.k8s().resolve(dir)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
    void renderingAgreesWithTheServices(String dir) {
        assertEquals(List.of(), CrossCheck.problems(render(dir), Repo.root()));
    }

    @Test
    void clientsUseTheStrimziBootstrapOfClusterKafka() {
        Stack s = render("overlays/cpu");
        ConfigMap kafka = s.named(ConfigMap.class, "twin-kafka").orElseThrow();
        assertEquals("kafka", s.kafka().getMetadata().getName());
        assertEquals("kafka-kafka-bootstrap:9092", kafka.getData().get("KAFKA_BOOTSTRAP_SERVERS"));
        s.scaledObjects().stream().filter(so -> so.path("spec").path("triggers").get(0).path("type").asString().equals("kafka"))
                .forEach(so -> assertEquals("kafka-kafka-bootstrap:9092",
                        so.path("spec").path("triggers").get(0).path("metadata").path("bootstrapServers").asString()));
    }

    @Test
    void topicsAreTheServicesFiveWithThePlannedPartitions() {
        Map<String, Integer> partitions = new TreeMap<>();
        for (KafkaTopic t : render("base").topics()) {
            partitions.put(t.getMetadata().getName(), t.getSpec().getPartitions());
        }
        assertEquals(Map.of("twin.dlq", 1, "twin.requests", 8, "twin.results", 8, "twin.routed", 8,
                "twin.executors", 1), partitions);
        KafkaTopic heartbeats = render("base").topics().stream()
                .filter(t -> t.getMetadata().getName().equals("twin.executors")).findFirst().orElseThrow();
        assertEquals("compact", String.valueOf(heartbeats.getSpec().getConfig().get("cleanup.policy")),
                "executor heartbeats keep the latest record per executor");
    }

    @Test
    void gpuOverlayPutsMergerAndExecutorsOnGpuNodesAndLeavesTheRouter() {
        Stack gpu = render("overlays/gpu");
        Map<String, Stack.Workload> byName = new TreeMap<>();
        gpu.workloads().forEach(w -> byName.put(w.name(), w));
        for (String name : List.of("twin-merger", "twin-executor")) {
            var pod = byName.get(name).template().getSpec();
            Container c = pod.getContainers().get(0);
            assertEquals(new Quantity("1"), c.getResources().getLimits().get(CrossCheck.GPU), name);
            assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"), name);
            assertEquals(List.of(new Toleration("NoSchedule", CrossCheck.GPU, "Exists", null, null)), pod.getTolerations(), name);
            assertTrue(c.getImage().endsWith(":0.1.0-gpu"), c.getImage());
            // the patch adds to the base's resources, it does not replace them
            assertEquals(new Quantity("4Gi"), c.getResources().getLimits().get("memory"), name);
        }
        var router = byName.get("twin-router").template().getSpec();
        assertTrue(router.getContainers().get(0).getResources().getLimits().get(CrossCheck.GPU) == null);
        assertTrue(router.getTolerations().isEmpty());
        for (Stack.Workload w : render("overlays/cpu").workloads()) {
            assertTrue(w.template().getSpec().getContainers().get(0).getResources().getLimits().get(CrossCheck.GPU) == null, w.name());
        }
    }
}
