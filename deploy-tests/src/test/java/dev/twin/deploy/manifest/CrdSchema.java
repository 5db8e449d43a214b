package dev.twin.deploy.manifest;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a custom resource without a typed model (KEDA, Prometheus Operator) against a structural schema: the
 * openAPIV3Schema subset that CRDs use (type, properties, required, items, enum, pattern, minimum,
 * additionalProperties, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields). Where a schema lists
 * properties, any other field is an error, as with a structural CRD whose API server prunes or rejects unknown
 * fields. KEDA keeps trigger parameters in a free string map; the schema file's triggerMetadata gives the parameters
 * of each trigger type we use, checked the same way. metadata binds to fabric8's typed ObjectMeta.
 */
public final class CrdSchema {

    private final String apiVersion;
    private final String kind;
    private final JsonNode schema;
    private final JsonNode triggerMetadata;

    private CrdSchema(ObjectNode file) {
        this.apiVersion = file.path("apiVersion").asString();
        this.kind = file.path("kind").asString();
        this.schema = file.required("openAPIV3Schema");
        this.triggerMetadata = file.path("triggerMetadata");
    }

    public static Map<String, CrdSchema> load(Path dir, String... files) {
        Map<String, CrdSchema> out = new java.util.HashMap<>();
        for (String f : files) {
            CrdSchema s = new CrdSchema(Yaml.single(dir.resolve(f)));
            out.put(s.apiVersion + "/" + s.kind, s);
        }
        return out;
    }

    /** The problems of one manifest, each naming the path; empty when it conforms. */
    public List<String> validate(ObjectNode manifest) {
        List<String> problems = new ArrayList<>();
        ObjectNode rest = manifest.deepCopy();
        JsonNode metadata = rest.remove("metadata");
        if (metadata == null || !metadata.isObject()) {
            problems.add("missing metadata");
        } else {
            try {
                TypedModel.bind((ObjectNode) metadata, ObjectMeta.class);
            } catch (IllegalArgumentException e) {
                problems.add("metadata: " + e.getMessage());
            }
        }
        check(schema, rest, kind, problems);
        for (JsonNode trigger : manifest.path("spec").path("triggers")) {
            String type = trigger.path("type").asString();
            JsonNode s = triggerMetadata.get(type);
            if (s == null) {
                problems.add("trigger type '" + type + "' has no parameter schema here (known: "
                        + triggerMetadata.propertyNames() + ")");
            } else {
                check(s, trigger.path("metadata"), kind + ".spec.triggers[" + type + "].metadata", problems);
            }
        }
        return problems;
    }

    private static void check(JsonNode s, JsonNode v, String path, List<String> problems) {
        if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !s.has("properties")) {
            return;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!v.isInt() && !v.isString()) {
                problems.add(path + ": expected an integer or a string, found " + v);
            }
            return;
        }
        String type = s.path("type").asString("");
        switch (type) {
            case "object" -> object(s, v, path, problems);
            case "array" -> {
                if (!v.isArray()) {
                    problems.add(path + ": expected a list, found " + v);
                    return;
                }
                for (int i = 0; i < v.size(); i++) {
                    check(s.required("items"), v.get(i), path + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!v.isString()) {
                    problems.add(path + ": expected a string, found " + v);
                    return;
                }
                if (s.has("enum") && !contains(s.get("enum"), v)) {
                    problems.add(path + ": '" + v.asString() + "' is not one of " + s.get("enum"));
                }
                if (s.has("pattern") && !Pattern.compile(s.get("pattern").asString()).matcher(v.asString()).matches()) {
                    problems.add(path + ": '" + v.asString() + "' does not match " + s.get("pattern").asString());
                }
            }
            case "integer" -> {
                if (!v.isIntegralNumber()) {
                    problems.add(path + ": expected an integer, found " + v);
                } else if (s.has("minimum") && v.asLong() < s.get("minimum").asLong()) {
                    problems.add(path + ": " + v + " is below the minimum " + s.get("minimum"));
                }
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    problems.add(path + ": expected true or false, found " + v);
                }
            }
            default -> throw new IllegalStateException("schema at " + path + " has an unsupported type '" + type + "'");
        }
    }

    private static void object(JsonNode s, JsonNode v, String path, List<String> problems) {
        if (!v.isObject()) {
            problems.add(path + ": expected a mapping, found " + v);
            return;
        }
        for (JsonNode r : s.path("required")) {
            if (!v.has(r.asString())) {
                problems.add(path + ": missing required field '" + r.asString() + "'");
            }
        }
        JsonNode props = s.path("properties");
        JsonNode extra = s.get("additionalProperties");
        Set<String> known = new HashSet<>(props.propertyNames());
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (known.contains(e.getKey())) {
                check(props.get(e.getKey()), e.getValue(), path + "." + e.getKey(), problems);
            } else if (extra != null && extra.isObject()) {
                check(extra, e.getValue(), path + "." + e.getKey(), problems);
            } else if (extra == null || !extra.asBoolean(false)) {
                problems.add(path + ": unknown field '" + e.getKey() + "' (known: " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    private static boolean contains(JsonNode list, JsonNode v) {
        for (JsonNode e : list) {
            if (e.equals(v)) {
                return true;
            }
        }
        return false;
    }
}
