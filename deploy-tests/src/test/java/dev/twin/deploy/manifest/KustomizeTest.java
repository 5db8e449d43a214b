package dev.twin.deploy.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The renderer on hand-made kustomizations whose kustomize output is known (written out below by hand). */
class KustomizeTest {

    @TempDir
    Path dir;

    @Test
    void strategicMergeByKeyedListsImagesAndNamespace() throws IOException {
        write("base/kustomization.yaml", "resources: [app.yaml]\n");
        write("base/app.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app}
                spec:
                  template:
                    spec:
                      tolerations: [{key: a, operator: Exists}]
                      containers:
                        - name: main
                          image: reg/app:1
                          env: [{name: A, value: "1"}, {name: B, value: "2"}]
                          resources: {limits: {memory: 1Gi}}
                        - {name: side, image: reg/side:1}
                """);
        write("over/kustomization.yaml", """
                namespace: ns
                resources: [../base]
                images: [{name: reg/app, newTag: "2"}]
                patches: [{path: p.yaml}]
                """);
        write("over/p.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app}
                spec:
                  template:
                    spec:
                      tolerations: [{key: b, operator: Exists}]
                      containers:
                        - name: main
                          env: [{name: B, value: "3"}, {name: C, value: "4"}]
                          resources: {limits: {gpu: 1}}
                """);
        ObjectNode out = Kustomize.render(dir.resolve("over")).get(0);
        ObjectNode expected = Yaml.documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app, namespace: ns}
                spec:
                  template:
                    spec:
                      tolerations: [{key: b, operator: Exists}]
                      containers:
                        - name: main
                          image: reg/app:2
                          env: [{name: A, value: "1"}, {name: B, value: "3"}, {name: C, value: "4"}]
                          resources: {limits: {memory: 1Gi, gpu: 1}}
                        - {name: side, image: reg/side:1}
                """, "expected").get(0);
        assertEquals(expected, out);
    }

    @Test
    void aFieldTheRendererDoesNotApplyIsAnError() throws IOException {
        write("k/kustomization.yaml", "resources: []\ncommonLabels: {a: b}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir.resolve("k")));
        assertTrue(e.getMessage().contains("commonLabels"), e.getMessage());
    }

    @Test
    void aPatchWithoutTargetIsAnError() throws IOException {
        write("k/kustomization.yaml", "resources: []\npatches: [{path: p.yaml}]\n");
        write("k/p.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: nope}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir.resolve("k")));
        assertEquals("patch target Service/nope not found", e.getMessage());
    }

    private void write(String path, String text) throws IOException {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.writeString(dir.resolve(path), text);
    }
}
