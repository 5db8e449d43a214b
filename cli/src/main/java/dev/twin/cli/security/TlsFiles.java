package dev.twin.cli.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The certificate and secret files of a secured stack, by fixed names in one directory: {@code ca.pem} (the CA every
 * party trusts), {@code server.p12} (broker, router and executors: CN=localhost, SAN localhost and 127.0.0.1),
 * {@code merger.p12} (the merger's client identity CN=twin-merger, which executors require for Install),
 * {@code client.p12} (the CLI's admin identity CN=twin-client), {@code store.password} (the PKCS#12 password) and
 * {@code kafka.password} (the SCRAM-SHA-512 password of Kafka user {@link #KAFKA_USER}). Secret files are owner-only.
 */
public record TlsFiles(Path dir) {
    public static final String KAFKA_USER = "twin";
    /** The subject CN of the merger's client certificate: the identity executors accept Install from. */
    public static final String MERGER_IDENTITY = "twin-merger";
    public static final String CLIENT_IDENTITY = "twin-client";

    public TlsFiles {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path caKeyStore() {
        return dir.resolve("ca.p12");
    }

    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    public Path mergerKeyStore() {
        return dir.resolve("merger.p12");
    }

    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    public Path storePasswordFile() {
        return dir.resolve("store.password");
    }

    public Path kafkaPasswordFile() {
        return dir.resolve("kafka.password");
    }

    /** True when every file a stack needs is there. */
    public boolean complete() {
        return required().stream().allMatch(Files::isRegularFile);
    }

    /** Fails naming the first missing file. */
    public TlsFiles requireComplete() {
        for (Path p : required()) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("TLS directory " + dir + " lacks " + p.getFileName() + " (it needs "
                        + required().stream().map(f -> f.getFileName().toString()).toList()
                        + "; twin up --secure creates them when the directory is empty)");
            }
        }
        return this;
    }

    public String storePassword() {
        return secret(storePasswordFile());
    }

    public String kafkaPassword() {
        return secret(kafkaPasswordFile());
    }

    private List<Path> required() {
        return List.of(caPem(), serverKeyStore(), mergerKeyStore(), clientKeyStore(), storePasswordFile(),
                kafkaPasswordFile());
    }

    private static String secret(Path file) {
        try {
            String s = Files.readString(file).strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("secret file " + file + " is empty");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file + ": " + e.getMessage(), e);
        }
    }
}
