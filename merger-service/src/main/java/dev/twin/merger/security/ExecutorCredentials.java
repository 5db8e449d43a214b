package dev.twin.merger.security;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The credentials of the merger's gRPC channels to the executors: plaintext, or TLS from a named Quarkus TLS
 * configuration (its trust store verifies the executors' certificates and host names, its key store, if any, is the
 * client certificate that proves the merger's identity to Install).
 */
@ApplicationScoped
public class ExecutorCredentials {
    private static final Logger LOG = Logger.getLogger(ExecutorCredentials.class);

    private final ChannelCredentials credentials;

    public ExecutorCredentials(SecurityConfig config, TlsConfigurationRegistry registry, Vertx vertx) {
        this.credentials = config.executorTlsConfigurationName()
                .map(name -> tls(name, registry.get(name).orElseThrow(() -> new IllegalStateException(
                        "twin.merger.security.executor-tls-configuration-name names TLS configuration '" + name
                                + "', but no quarkus.tls." + name + ".* is configured")), vertx))
                .orElseGet(InsecureChannelCredentials::create);
    }

    public ChannelCredentials get() {
        return credentials;
    }

    private static ChannelCredentials tls(String name, TlsConfiguration tls, Vertx vertx) {
        if (tls.getTrustStoreOptions() == null && !tls.isTrustAll()) {
            throw new IllegalStateException("TLS configuration '" + name + "' for the executors has no trust store "
                    + "(quarkus.tls." + name + ".trust-store.*): the executors' certificates could not be verified");
        }
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (tls.getTrustStoreOptions() != null) {
                b.trustManager(tls.getTrustStoreOptions().getTrustManagerFactory(vertx).getTrustManagers());
            }
            if (tls.getKeyStoreOptions() != null) {
                b.keyManager(tls.getKeyStoreOptions().getKeyManagerFactory(vertx).getKeyManagers());
            }
            LOG.infof("gRPC to the executors over TLS (configuration '%s', client certificate: %s)", name,
                    tls.getKeyStoreOptions() != null ? "yes" : "no");
            return b.build();
        } catch (Exception e) {
            throw new IllegalStateException("TLS configuration '" + name + "' for the executors does not load: "
                    + e.getMessage(), e);
        }
    }
}
