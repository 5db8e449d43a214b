package dev.twin.merger.security;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * How the merger reaches its executors ({@code twin.merger.security.*}). Kafka's TLS/SASL settings are the Kafka
 * client's own ({@code kafka.security.protocol}, ... or env KAFKA_SECURITY_PROTOCOL, ...), for every channel.
 */
@ConfigMapping(prefix = "twin.merger.security")
public interface SecurityConfig {

    /**
     * Name of a Quarkus TLS configuration ({@code quarkus.tls.<name>.trust-store.*} to verify the executors,
     * {@code quarkus.tls.<name>.key-store.*} for the merger's client certificate, which executors require for
     * Install). Unset: plaintext gRPC to the executors.
     */
    Optional<String> executorTlsConfigurationName();
}
