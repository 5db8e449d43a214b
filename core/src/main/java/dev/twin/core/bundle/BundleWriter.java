package dev.twin.core.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.WeightSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes a modularized model as a bundle directory (DESIGN.md) with the sha256 of every file in the manifest. */
public final class BundleWriter {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleWriter() {
    }

    /**
     * @param architecture null when the model's architecture is not known (bundles made from outside checkpoints)
     * @param routerOnnx   null when there is no router yet ({@link #addRouter} adds one later)
     */
    public static BundleManifest write(Path dir, Modularized m, ArchitectureSpec architecture,
                                       BundleManifest.SharedSpec shared, BundleManifest.CompressionSpec compression,
                                       byte[] routerOnnx, BundleManifest.RouterSpec router) {
        try {
            Files.createDirectories(dir.resolve("experts"));
            Files.createDirectories(dir.resolve("heads"));
            SafetensorsWriter.write(dir.resolve(BundleFiles.SHARED), m.shared(), DType.F32);
            List<BundleManifest.TaskEntry> tasks = new ArrayList<>();
            for (String task : m.tasks()) {
                ExpertCodec.write(dir.resolve(BundleFiles.expert(task)), m.exclusive().get(task));
                SafetensorsWriter.write(dir.resolve(BundleFiles.head(task)), m.heads().get(task), DType.F32);
                tasks.add(new BundleManifest.TaskEntry(task, classesOf(task, m.heads().get(task))));
            }
            StorageReport storage = storage(m, routerOnnx == null ? 0 : routerOnnx.length);
            BundleManifest.RouterSpec routerSpec = null;
            if (routerOnnx != null) {
                Files.write(dir.resolve(BundleFiles.ROUTER), routerOnnx);
                routerSpec = router;
            }
            BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT, BundleManifest.VERSION, architecture,
                    tasks, architecture == null ? null : architecture.inputShape(), shared, compression, routerSpec,
                    storage, hashes(dir, m.tasks(), routerOnnx != null));
            writeManifest(dir, manifest);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write bundle: " + e.getMessage(), e);
        }
    }

    /** Adds (or replaces) the router of an existing bundle and re-hashes. */
    public static BundleManifest addRouter(Path dir, byte[] routerOnnx, BundleManifest.RouterSpec router) {
        Bundle b = Bundle.load(dir);
        try {
            Files.write(dir.resolve(BundleFiles.ROUTER), routerOnnx);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write router: " + e.getMessage(), e);
        }
        BundleManifest old = b.manifest();
        BundleManifest manifest = old.withRouter(router, old.storage().withRouterBytes(routerOnnx.length),
                hashes(dir, old.taskNames(), true));
        writeManifest(dir, manifest);
        return manifest;
    }

    /** Adds (or replaces) the tokenizer of a text model's bundle and re-hashes. */
    public static BundleManifest addTokenizer(Path dir, Path tokenizerJson) {
        Bundle b = Bundle.load(dir);
        try {
            Files.copy(tokenizerJson, dir.resolve(BundleFiles.TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot copy tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        BundleManifest old = b.manifest();
        BundleManifest manifest = old.withRouter(old.router(), old.storage(), hashes(dir, old.taskNames(),
                old.router() != null));
        writeManifest(dir, manifest);
        return manifest;
    }

    /** Bytes of a modularization as a bundle stores it (router given apart). */
    public static StorageReport storage(Modularized m, long routerBytes) {
        long shared = 4L * m.shared().numel();
        Map<String, Long> experts = new LinkedHashMap<>();
        long heads = 0;
        long dense = 0;
        long mergedNumel = 0;
        for (String name : m.mergedNames()) {
            mergedNumel += m.shared().get(name).numel();
        }
        for (String task : m.tasks()) {
            experts.put(task, m.exclusive().get(task).values().stream().mapToLong(CompressedTensor::storedBytes).sum());
            long h = 4L * m.heads().get(task).numel();
            heads += h;
            dense += 4L * mergedNumel + h; // expert t kept whole: its trunk and its head, float32
        }
        return new StorageReport(shared, experts, heads, routerBytes, dense);
    }

    private static Integer classesOf(String task, WeightSet head) {
        String bias = "head." + task + ".bias";
        return head.contains(bias) ? head.get(bias).numel() : null;
    }

    private static Map<String, String> hashes(Path dir, List<String> tasks, boolean router) {
        Map<String, String> files = new TreeMap<>();
        List<String> names = new ArrayList<>(List.of(BundleFiles.SHARED));
        for (String t : tasks) {
            names.add(BundleFiles.expert(t));
            names.add(BundleFiles.head(t));
        }
        if (router) {
            names.add(BundleFiles.ROUTER);
        }
        if (Files.isRegularFile(dir.resolve(BundleFiles.TOKENIZER))) {
            names.add(BundleFiles.TOKENIZER);
        }
        for (String n : names) {
            files.put(n, Sha256.of(dir.resolve(n)));
        }
        return files;
    }

    private static void writeManifest(Path dir, BundleManifest manifest) {
        try {
            JSON.writeValue(dir.resolve(BundleFiles.MANIFEST).toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write manifest: " + e.getMessage(), e);
        }
    }
}
