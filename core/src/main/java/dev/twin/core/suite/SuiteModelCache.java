package dev.twin.core.suite;

import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trained base and experts of a suite, cached as safetensors under ~/.cache/twin/suites/NAME/FINGERPRINT so a second
 * run is fast. The fingerprint covers the suite, its architecture and recipe, and {@link #VERSION} (bump it when
 * training code changes what it produces).
 */
public final class SuiteModelCache {
    static final String VERSION = "1";

    private SuiteModelCache() {
    }

    public static SuiteModels loadOrTrain(TaskSuite suite, PrintStream log) {
        Path dir = dir(suite);
        Path done = dir.resolve("COMPLETE");
        if (Files.isRegularFile(done)) {
            log.println("using trained models cached in " + dir);
            return load(suite, dir);
        }
        log.println("training base and experts of suite '" + suite.name() + "' (cached in " + dir + ")");
        SuiteModels models = suite.train(dir, true, log);
        try {
            Files.createDirectories(dir.resolve("experts"));
            SafetensorsWriter.write(dir.resolve("base.safetensors"), models.base(), DType.F32);
            for (Map.Entry<String, WeightSet> e : models.experts().entrySet()) {
                SafetensorsWriter.write(dir.resolve("experts").resolve(e.getKey() + ".safetensors"), e.getValue(),
                        DType.F32);
            }
            Files.writeString(done, fingerprintText(suite));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot cache trained models: " + e.getMessage(), e);
        }
        return models;
    }

    /** The cache directory of a suite's trained models. */
    public static Path dir(TaskSuite suite) {
        return TwinPaths.cacheDir().resolve("suites").resolve(suite.name()).resolve(fingerprint(suite));
    }

    private static SuiteModels load(TaskSuite suite, Path dir) {
        WeightSet base = loadAll(dir.resolve("base.safetensors"));
        Map<String, WeightSet> experts = new LinkedHashMap<>();
        for (TaskData t : suite.tasks()) {
            experts.put(t.name(), loadAll(dir.resolve("experts").resolve(t.name() + ".safetensors")));
        }
        return new SuiteModels(base, experts);
    }

    private static WeightSet loadAll(Path file) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            return src.loadAll();
        }
    }

    private static String fingerprintText(TaskSuite suite) {
        return suite.name() + "\n" + suite.dataVersion() + "\n" + suite.architecture() + "\n" + suite.trainingVersion() + "\n"
                + VERSION;
    }

    private static String fingerprint(TaskSuite suite) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(fingerprintText(suite).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
