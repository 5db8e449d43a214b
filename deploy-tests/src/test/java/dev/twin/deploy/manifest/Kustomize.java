package dev.twin.deploy.manifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders a kustomization the way kustomize does for the few features our overlays use: resources (files or
 * directories with their own kustomization.yaml), namespace, images and strategic-merge patches. Any other field is
 * an error, so an overlay cannot use a feature this renderer would silently ignore.
 */
public final class Kustomize {

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "images", "patches");
    /** Strategic-merge keys of the list fields we patch (Kubernetes' patchMergeKey); other lists are replaced. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name", "initContainers", "name", "env", "name", "volumes", "name",
            "volumeMounts", "mountPath", "ports", "containerPort");

    private Kustomize() {
    }

    public static List<ObjectNode> render(Path dir) {
        ObjectNode k = Yaml.single(dir.resolve("kustomization.yaml"));
        for (Iterator<String> it = k.propertyNames().iterator(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: field '" + field
                        + "' is not rendered by this check (use only " + FIELDS + ")");
            }
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asString()).normalize();
            objects.addAll(Files.isDirectory(p) ? render(p) : Yaml.documents(p));
        }
        for (JsonNode patch : k.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException(dir + ": only patches given by 'path' are rendered: " + patch);
            }
            for (ObjectNode p : Yaml.documents(dir.resolve(patch.get("path").asString()))) {
                ObjectNode target = find(objects, p.path("kind").asString(), p.path("metadata").path("name").asString());
                merge(target, p);
            }
        }
        for (JsonNode image : k.path("images")) {
            objects.forEach(o -> setImage(o, image));
        }
        if (k.has("namespace")) {
            objects.forEach(o -> ((ObjectNode) o.get("metadata")).put("namespace", k.get("namespace").asString()));
        }
        return objects;
    }

    private static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asString().equals(kind) && o.path("metadata").path("name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("patch target " + kind + "/" + name + " not found"));
    }

    /** Strategic merge: maps merge key by key, null deletes, keyed lists merge element by element, others replace. */
    public static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            JsonNode current = target.get(field);
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && current != null && current.isObject()) {
                merge((ObjectNode) current, (ObjectNode) value);
            } else if (value.isArray() && current != null && current.isArray() && MERGE_KEYS.containsKey(field)) {
                mergeList((ArrayNode) current, (ArrayNode) value, MERGE_KEYS.get(field));
            } else {
                target.set(field, value.deepCopy());
            }
        }
    }

    private static void mergeList(ArrayNode current, ArrayNode patch, String key) {
        for (JsonNode p : patch) {
            ObjectNode match = null;
            for (JsonNode c : current) {
                if (c.path(key).equals(p.path(key))) {
                    match = (ObjectNode) c;
                }
            }
            if (match == null) {
                current.add(p.deepCopy());
            } else {
                merge(match, (ObjectNode) p);
            }
        }
    }

    private static void setImage(ObjectNode object, JsonNode image) {
        JsonNode pod = object.path("spec").path("template").path("spec");
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path(list)) {
                String ref = c.path("image").asString();
                int colon = ref.lastIndexOf(':');
                String name = colon < 0 ? ref : ref.substring(0, colon);
                String tag = colon < 0 ? null : ref.substring(colon + 1);
                if (name.equals(image.path("name").asString())) {
                    String newName = image.has("newName") ? image.get("newName").asString() : name;
                    String newTag = image.has("newTag") ? image.get("newTag").asString() : tag;
                    ((ObjectNode) c).put("image", newTag == null ? newName : newName + ":" + newTag);
                }
            }
        }
    }
}
