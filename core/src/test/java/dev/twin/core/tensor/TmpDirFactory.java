package dev.twin.core.tensor;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates @TempDir directories under java.io.tmpdir, creating that root first: the build points it at
 * target/tmp, which does not exist in a fresh checkout.
 */
public final class TmpDirFactory implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws Exception {
        Path root = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(root);
        return Files.createTempDirectory(root, "twin-tensor-");
    }
}
