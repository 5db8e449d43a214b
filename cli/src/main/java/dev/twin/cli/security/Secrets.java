package dev.twin.cli.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.stream.Collectors;

/** Owner-only secret files: random passwords, and properties files that services load by quarkus.config.locations. */
public final class Secrets {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A random password of 24 letters and digits (about 140 bits): nothing in it needs quoting anywhere. */
    public static String randomPassword() {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Writes {@code text} to {@code file}, readable and writable by the owner only (created so, never wider). */
    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code properties} as a Java properties file (values need no escaping: they come from this class). */
    public static void writeProperties(Path file, Map<String, String> properties) {
        write(file, properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "# secrets of a twin stack; owner-only\n", "\n")));
    }
}
