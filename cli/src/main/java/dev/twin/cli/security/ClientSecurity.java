package dev.twin.cli.security;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the CLI's own clients reach a stack: Kafka client properties (empty: plaintext; else SASL_SSL with SCRAM and
 * the CA's PEM as trust store) and, for gRPC and HTTPS, the CA that verifies the router ({@code tls} empty:
 * plaintext). {@link #toString()} never shows the Kafka password.
 */
public record ClientSecurity(Map<String, String> kafka, Optional<TlsFiles> tls) {
    public static final ClientSecurity NONE = new ClientSecurity(Map.of(), Optional.empty());
    public static final String SCRAM = "SCRAM-SHA-512";

    public ClientSecurity {
        kafka = Map.copyOf(kafka);
    }

    /** Kafka over SASL_SSL as {@code user}/{@code password}; gRPC and HTTP over TLS; all verified with the CA. */
    public static ClientSecurity scram(TlsFiles files, String user, String password) {
        Map<String, String> k = new LinkedHashMap<>(trustCa(files));
        k.put("security.protocol", "SASL_SSL");
        k.put("sasl.mechanism", SCRAM);
        k.put("sasl.jaas.config", jaas(user, password));
        return new ClientSecurity(k, Optional.of(files));
    }

    /** Kafka over SSL presenting {@code keyStore} (the broker's mTLS listener that admin work uses). */
    public static ClientSecurity mutualTls(TlsFiles files, Path keyStore) {
        Map<String, String> k = new LinkedHashMap<>(trustCa(files));
        k.put("security.protocol", "SSL");
        k.put("ssl.keystore.type", "PKCS12");
        k.put("ssl.keystore.location", keyStore.toString());
        k.put("ssl.keystore.password", files.storePassword());
        return new ClientSecurity(k, Optional.of(files));
    }

    /** The JAAS line of a SCRAM login (the form Strimzi writes into its user Secret). */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static Map<String, String> trustCa(TlsFiles files) {
        return Map.of("ssl.truststore.type", "PEM", "ssl.truststore.location", files.caPem().toString());
    }

    public boolean secure() {
        return tls.isPresent();
    }

    /** gRPC channel credentials: plaintext, or TLS verifying the server with the CA. */
    public ChannelCredentials grpc() {
        return tls.map(f -> grpc(f, null)).orElseGet(InsecureChannelCredentials::create);
    }

    /** TLS verifying the server with the CA and presenting the client certificate of {@code keyStore} (may be null). */
    public static ChannelCredentials grpc(TlsFiles files, Path keyStore) {
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(files.caPem().toFile());
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keyStore, files.storePassword()), files.storePassword().toCharArray());
                b.keyManager(kmf.getKeyManagers());
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + files.caPem() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key store " + keyStore + " does not load: " + e.getMessage(), e);
        }
    }

    /** An HTTP client that verifies HTTPS servers with the CA (plain HTTP when not secure). */
    public HttpClient.Builder http() {
        HttpClient.Builder b = HttpClient.newBuilder();
        tls.ifPresent(f -> b.sslContext(sslContext(f)));
        return b;
    }

    /** "https" or "http". */
    public String httpScheme() {
        return secure() ? "https" : "http";
    }

    /** An SSL context trusting only the CA of {@code files}. */
    public static SSLContext sslContext(TlsFiles files) {
        return sslContext(files.caPem());
    }

    /** An SSL context trusting only the certificate(s) of the PEM file {@code caPem}. */
    public static SSLContext sslContext(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(caPem + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA file " + caPem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CA file " + caPem + " is unusable: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path keyStore, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    @Override
    public String toString() {
        return "ClientSecurity[kafka " + kafka.getOrDefault("security.protocol", "PLAINTEXT")
                + tls.map(f -> ", TLS with CA " + f.caPem()).orElse(", plaintext") + "]";
    }
}
