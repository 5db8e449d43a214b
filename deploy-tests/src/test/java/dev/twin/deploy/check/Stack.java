package dev.twin.deploy.check;

import dev.twin.deploy.manifest.CrdSchema;
import dev.twin.deploy.manifest.TypedModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rendered set of manifests bound to their models: typed objects for Kubernetes and Strimzi kinds, schema-checked
 * trees for KEDA and Prometheus Operator kinds. Whatever does not bind or conform is in {@link #problems()}.
 */
public final class Stack {

    public static final Path SCHEMAS = Path.of("src/test/resources/schemas");

    final List<HasMetadata> typed = new ArrayList<>();
    final List<ObjectNode> scaledObjects = new ArrayList<>();
    final List<ObjectNode> triggerAuthentications = new ArrayList<>();
    final List<ObjectNode> serviceMonitors = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public static Stack of(List<ObjectNode> manifests) {
        Map<String, CrdSchema> schemas = CrdSchema.load(SCHEMAS,
                "keda-scaledobject.yaml", "keda-triggerauthentication.yaml", "prometheus-servicemonitor.yaml");
        Stack s = new Stack();
        for (ObjectNode m : manifests) {
            String key = TypedModel.key(m);
            String name = key + " " + m.path("metadata").path("name").asString();
            if (TypedModel.isTyped(m)) {
                try {
                    s.typed.add((HasMetadata) TypedModel.bind(m));
                } catch (IllegalArgumentException e) {
                    s.problems.add(e.getMessage());
                }
            } else if (schemas.containsKey(key)) {
                schemas.get(key).validate(m).forEach(p -> s.problems.add(name + ": " + p));
                switch (m.path("kind").asString()) {
                    case "ScaledObject" -> s.scaledObjects.add(m);
                    case "TriggerAuthentication" -> s.triggerAuthentications.add(m);
                    default -> s.serviceMonitors.add(m);
                }
            } else {
                s.problems.add(name + ": no typed model or schema for this kind (unknown apiVersion or kind)");
            }
        }
        return s;
    }

    public List<String> problems() {
        return problems;
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    /** Deployments and StatefulSets with their pod templates and replica counts. */
    public List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        all(Deployment.class).forEach(d -> out.add(new Workload("Deployment", d.getMetadata().getName(),
                d.getSpec().getReplicas(), d.getSpec().getTemplate())));
        all(StatefulSet.class).forEach(d -> out.add(new Workload("StatefulSet", d.getMetadata().getName(),
                d.getSpec().getReplicas(), d.getSpec().getTemplate())));
        return out;
    }

    public Kafka kafka() {
        List<Kafka> k = all(Kafka.class);
        if (k.size() != 1) {
            throw new IllegalStateException("expected one Strimzi Kafka, found " + k.size());
        }
        return k.get(0);
    }

    public List<KafkaNodePool> nodePools() {
        return all(KafkaNodePool.class);
    }

    public List<KafkaTopic> topics() {
        return all(KafkaTopic.class);
    }

    public List<KafkaUser> users() {
        return all(KafkaUser.class);
    }

    public List<ObjectNode> scaledObjects() {
        return scaledObjects;
    }

    public List<ObjectNode> triggerAuthentications() {
        return triggerAuthentications;
    }

    public List<ObjectNode> serviceMonitors() {
        return serviceMonitors;
    }

    public List<Service> services() {
        return all(Service.class);
    }

    public List<ConfigMap> configMaps() {
        return all(ConfigMap.class);
    }

    public List<Secret> secrets() {
        return all(Secret.class);
    }

    public List<PersistentVolumeClaim> claims() {
        return all(PersistentVolumeClaim.class);
    }

    public List<Job> jobs() {
        return all(Job.class);
    }

    public List<PodDisruptionBudget> disruptionBudgets() {
        return all(PodDisruptionBudget.class);
    }

    public record Workload(String kind, String name, Integer replicas, PodTemplateSpec template) {
    }
}
