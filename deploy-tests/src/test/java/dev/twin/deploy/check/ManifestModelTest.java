package dev.twin.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.deploy.Repo;
import dev.twin.deploy.manifest.Kustomize;
import dev.twin.deploy.manifest.TypedModel;
import dev.twin.deploy.manifest.Yaml;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Every manifest file and every rendering binds to its typed model or schema, with no unknown field. */
class ManifestModelTest {

    static Stream<Path> manifestFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Repo.k8s())) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void everyFileBindsToItsModel(Path file) {
        List<ObjectNode> docs = Yaml.documents(file);
        assertTrue(!docs.isEmpty(), file + " holds no manifest");
        // overlay patches are partial objects: they bind too (a misspelled field in a patch is caught here)
        Stack s = Stack.of(docs);
        assertEquals(List.of(), s.problems(), file.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
    void everyRenderingBindsAndNamesItsNamespace(String dir) {
        List<ObjectNode> objects = Kustomize.render(Repo.k8s().resolve(dir));
        assertEquals(31, objects.size(), "objects in " + dir);
        assertEquals(List.of(), Stack.of(objects).problems());
        objects.forEach(o -> assertEquals("twin", o.path("metadata").path("namespace").asString(), TypedModel.key(o)));
    }

    @Test
    void anUnknownFieldIsRejectedEvenWhereTheModelWouldKeepIt() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, readinesProbe: {httpGet: {path: /, port: 1}}}]
                """;
        ObjectNode doc = Yaml.documents(deployment, "inline").get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypedModel.bind(doc, Deployment.class));
        assertTrue(e.getMessage().contains("unknown field(s) [readinesProbe]"), e.getMessage());
    }

    @Test
    void strimziRequiredFieldsAndEnumsAreEnforced() {
        ObjectNode noListeners = Yaml.documents("""
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: kafka}
                spec: {kafka: {config: {}}}
                """, "inline").get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypedModel.bind(noListeners, Kafka.class));
        assertTrue(e.getMessage().contains("missing required field 'listeners'"), e.getMessage());
        ObjectNode badType = Yaml.documents("""
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: kafka}
                spec: {kafka: {listeners: [{name: plain, port: 9092, type: inside, tls: false}]}}
                """, "inline").get(0);
        assertThrows(IllegalArgumentException.class, () -> TypedModel.bind(badType, Kafka.class));
    }
}
