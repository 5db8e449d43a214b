package dev.twin.core.bundle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loaded bundle: every file's sha256 is checked against the manifest before anything is read from it.
 */
public record Bundle(Path dir, BundleManifest manifest, Modularized modules, byte[] routerOnnx) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public static Bundle load(Path dir) {
        Path manifestFile = dir.resolve(BundleFiles.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleException(dir + ": not a bundle (no " + BundleFiles.MANIFEST + ")");
        }
        BundleManifest m;
        try {
            m = JSON.readValue(manifestFile.toFile(), BundleManifest.class);
        } catch (IOException e) {
            throw new BundleException(manifestFile + ": unreadable manifest: " + e.getMessage());
        }
        if (!BundleManifest.FORMAT.equals(m.format()) || m.formatVersion() != BundleManifest.VERSION) {
            throw new BundleException(manifestFile + ": format " + m.format() + " v" + m.formatVersion()
                    + " is not " + BundleManifest.FORMAT + " v" + BundleManifest.VERSION);
        }
        if (m.tasks() == null || m.tasks().isEmpty() || m.files() == null) {
            throw new BundleException(manifestFile + ": manifest lists no tasks or no files");
        }
        verify(dir, m, BundleFiles.SHARED);
        WeightSet shared = loadAll(dir.resolve(BundleFiles.SHARED));
        Map<String, Map<String, CompressedTensor>> exclusive = new LinkedHashMap<>();
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        for (String task : m.taskNames()) {
            verify(dir, m, BundleFiles.expert(task));
            verify(dir, m, BundleFiles.head(task));
            Map<String, CompressedTensor> parts = ExpertCodec.read(dir.resolve(BundleFiles.expert(task)));
            for (String name : parts.keySet()) {
                if (!shared.contains(name) || !java.util.Arrays.equals(shared.get(name).shape(), parts.get(name).shape())) {
                    throw new BundleException(dir.resolve(BundleFiles.expert(task)) + ": tensor '" + name
                            + "' does not match the shared expert's tensors");
                }
            }
            exclusive.put(task, parts);
            heads.put(task, loadAll(dir.resolve(BundleFiles.head(task))));
        }
        byte[] router = null;
        if (m.router() != null) {
            verify(dir, m, BundleFiles.ROUTER);
            try {
                router = Files.readAllBytes(dir.resolve(BundleFiles.ROUTER));
            } catch (IOException e) {
                throw new BundleException(dir.resolve(BundleFiles.ROUTER) + ": cannot read: " + e.getMessage());
            }
        }
        if (m.files().containsKey(BundleFiles.TOKENIZER)) {
            verify(dir, m, BundleFiles.TOKENIZER); // read by the servers of a text model
        }
        return new Bundle(dir, m, new Modularized(m.taskNames(), shared, exclusive, heads), router);
    }

    private static void verify(Path dir, BundleManifest m, String file) {
        String expected = m.files().get(file);
        Path p = dir.resolve(file);
        if (expected == null) {
            throw new BundleException(dir.resolve(BundleFiles.MANIFEST) + ": no sha256 for " + file);
        }
        if (!Files.isRegularFile(p)) {
            throw new BundleException(p + ": missing bundle file");
        }
        String actual = Sha256.of(p);
        if (!expected.equals(actual)) {
            throw new BundleException(p + ": sha256 mismatch (manifest " + expected + ", file " + actual
                    + "): the bundle was modified or is corrupt");
        }
    }

    private static WeightSet loadAll(Path file) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            return src.loadAll();
        }
    }

    public boolean hasRouter() {
        return routerOnnx != null;
    }
}
