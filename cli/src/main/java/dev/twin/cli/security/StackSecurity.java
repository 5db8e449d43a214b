package dev.twin.cli.security;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The settings that secure a stack made of {@link TlsFiles}: Kafka over SASL_SSL (SCRAM-SHA-512) for the router and
 * the merger, HTTPS and gRPC over TLS only (no plaintext port) on the router and the executors, mutual TLS from the
 * merger to the executors with Install accepted only from the merger's certificate. Non-secret settings become
 * {@code -D} properties (recorded with the stack); secrets go to an owner-only properties file per service that the
 * service loads through {@code quarkus.config.locations}, so they appear on no command line and in no record.
 */
public record StackSecurity(TlsFiles files) {
    /** The Quarkus TLS configuration of a service's own HTTP/gRPC port. */
    public static final String SERVER_TLS = "twin";
    /** The merger's Quarkus TLS configuration for its gRPC channels to the executors. */
    public static final String EXECUTORS_TLS = "executors";

    public StackSecurity {
        files.requireComplete();
    }

    public BrokerSecurity broker(int sslPort) {
        return new BrokerSecurity(files, sslPort);
    }

    /** The CLI's own clients of the stack: SCRAM user {@link TlsFiles#KAFKA_USER}, TLS verified with the CA. */
    public ClientSecurity client() {
        return ClientSecurity.scram(files, TlsFiles.KAFKA_USER, files.kafkaPassword());
    }

    /** Kafka client settings of every channel (Quarkus passes {@code kafka.*} to all of them). */
    public Map<String, String> kafka() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kafka.security.protocol", "SASL_SSL");
        m.put("kafka.sasl.mechanism", ClientSecurity.SCRAM);
        m.put("kafka.ssl.truststore.type", "PEM");
        m.put("kafka.ssl.truststore.location", files.caPem().toString());
        return m;
    }

    public Map<String, String> kafkaSecrets() {
        return Map.of("kafka.sasl.jaas.config", ClientSecurity.jaas(TlsFiles.KAFKA_USER, files.kafkaPassword()));
    }

    /** HTTPS (and gRPC on it) only, on {@code port}, with the server certificate. */
    public Map<String, String> serverTls(int port) {
        String p = "quarkus.tls." + SERVER_TLS + ".";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(p + "key-store.p12.path", files.serverKeyStore().toString());
        m.put(p + "trust-store.pem.certs", files.caPem().toString());
        m.put("quarkus.http.tls-configuration-name", SERVER_TLS);
        m.put("quarkus.http.ssl-port", String.valueOf(port));
        m.put("quarkus.http.insecure-requests", "disabled");
        return m;
    }

    public Map<String, String> serverTlsSecrets() {
        return Map.of("quarkus.tls." + SERVER_TLS + ".key-store.p12.password", files.storePassword());
    }

    /**
     * The executor's extra: Install only from the merger's certificate (clients may present certificates: the
     * executor is built with quarkus.http.ssl.client-auth=request, a build-time setting).
     */
    public Map<String, String> executor() {
        return Map.of("twin.executor.security.install-identities", TlsFiles.MERGER_IDENTITY);
    }

    /** The merger's channels to the executors: TLS verified with the CA, the merger's certificate as identity. */
    public Map<String, String> merger() {
        String p = "quarkus.tls." + EXECUTORS_TLS + ".";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(p + "key-store.p12.path", files.mergerKeyStore().toString());
        m.put(p + "trust-store.pem.certs", files.caPem().toString());
        m.put("twin.merger.security.executor-tls-configuration-name", EXECUTORS_TLS);
        return m;
    }

    public Map<String, String> mergerSecrets() {
        return Map.of("quarkus.tls." + EXECUTORS_TLS + ".key-store.p12.password", files.storePassword());
    }

    /**
     * Writes {@code secrets} to {@code dir/<service>.properties} (owner-only) and returns the {@code -D} property that
     * makes the service load it.
     */
    public static Map<String, String> secretsFile(Path dir, String service, Map<String, String> secrets) {
        Path f = dir.resolve(service + ".properties").toAbsolutePath().normalize();
        Secrets.writeProperties(f, secrets);
        return Map.of("quarkus.config.locations", f.toString());
    }

    /** The CA a service's properties name for its HTTPS port, when it has one (for readiness probes). */
    public static Optional<Path> serverCa(Map<String, String> serviceProperties) {
        if (!serviceProperties.containsKey("quarkus.http.tls-configuration-name")) {
            return Optional.empty();
        }
        String name = serviceProperties.get("quarkus.http.tls-configuration-name");
        return Optional.ofNullable(serviceProperties.get("quarkus.tls." + name + ".trust-store.pem.certs"))
                .map(Path::of);
    }
}
