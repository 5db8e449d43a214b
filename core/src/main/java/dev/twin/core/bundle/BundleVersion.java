package dev.twin.core.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bundle's version as services compare it: the first 16 hex digits of SHA-256(manifest.json). The manifest holds
 * the sha256 of every other file, so two bundles with the same version serve the same weights.
 */
public final class BundleVersion {
    private BundleVersion() {
    }

    public static String of(Path bundleDir) {
        Path manifest = bundleDir.resolve("manifest.json");
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(manifest));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest + " for the bundle version: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
