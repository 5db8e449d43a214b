package dev.twin.deploy.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
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
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binds a manifest to its typed class: fabric8's Kubernetes model for built-in kinds, Strimzi's API model for its
 * custom resources. Both models keep unknown fields in an "additionalProperties" map instead of failing, so besides
 * Jackson's FAIL_ON_UNKNOWN_PROPERTIES (which such an any-setter bypasses) every bound object is walked and any
 * additional property is reported as an unknown field, as are missing fields the model marks required.
 */
public final class TypedModel {

    /** apiVersion/kind to class; KEDA and Prometheus Operator kinds have no typed model here (see CrdSchema). */
    public static final Map<String, Class<?>> CLASSES = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class));

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private TypedModel() {
    }

    public static String key(ObjectNode manifest) {
        return manifest.path("apiVersion").asString() + "/" + manifest.path("kind").asString();
    }

    public static boolean isTyped(ObjectNode manifest) {
        return CLASSES.containsKey(key(manifest));
    }

    /** The typed object; throws with the manifest's name when it does not bind or has unknown or missing fields. */
    public static <T> T bind(ObjectNode manifest, Class<T> type) {
        String name = key(manifest) + " " + manifest.path("metadata").path("name").asString();
        T object;
        try {
            object = MAPPER.treeToValue(manifest, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": does not bind to " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        walk(object, type.getSimpleName(), problems, new IdentityHashMap<>());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + String.join("; ", problems));
        }
        return object;
    }

    public static Object bind(ObjectNode manifest) {
        Class<?> type = CLASSES.get(key(manifest));
        if (type == null) {
            throw new IllegalArgumentException("no typed model for " + key(manifest));
        }
        return bind(manifest, type);
    }

    private static void walk(Object o, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, problems, seen));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class || !isGetter(m.getName())) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add("unknown field(s) " + extra.keySet() + " at " + path);
                }
                continue;
            }
            String property = propertyName(m);
            if (value == null && required(o.getClass(), m, property)) {
                problems.add("missing required field '" + property + "' at " + path);
            }
            walk(value, path + "." + property, problems, seen);
        }
    }

    private static boolean isGetter(String name) {
        return (name.startsWith("get") && name.length() > 3) || (name.startsWith("is") && name.length() > 2);
    }

    private static String propertyName(Method getter) {
        JsonProperty p = getter.getAnnotation(JsonProperty.class);
        if (p != null && !p.value().isEmpty()) {
            return p.value();
        }
        String n = getter.getName().substring(getter.getName().startsWith("is") ? 2 : 3);
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    private static boolean required(Class<?> type, Method getter, String property) {
        JsonProperty onGetter = getter.getAnnotation(JsonProperty.class);
        if (onGetter != null && onGetter.required()) {
            return true;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty onField = f.getAnnotation(JsonProperty.class);
                if (onField != null && onField.required()
                        && (f.getName().equals(property) || onField.value().equals(property))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Kinds whose namespace-scoped objects must all carry a typed model or a schema (see ManifestModelTest). */
    public static final Set<String> SCHEMA_KINDS = Set.of(
            "keda.sh/v1alpha1/ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication",
            "monitoring.coreos.com/v1/ServiceMonitor");
}
