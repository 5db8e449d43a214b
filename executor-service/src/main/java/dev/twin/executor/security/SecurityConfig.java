package dev.twin.executor.security;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * Who may install weight sets ({@code twin.executor.security.*}, env TWIN_EXECUTOR_SECURITY_INSTALL_IDENTITIES). The
 * TLS of the gRPC/HTTP port itself is Quarkus' TLS registry ({@code quarkus.tls.*}, {@code quarkus.http.*}).
 */
@ConfigMapping(prefix = "twin.executor.security")
public interface SecurityConfig {

    /**
     * TLS client-certificate identities (subject CN or a DNS subject alternative name) whose Install calls are
     * accepted, e.g. {@code twin-merger}. Unset: Install is open to every caller (a plaintext dev stack); set it
     * together with {@code quarkus.http.ssl.client-auth=request|required} so that clients present certificates.
     */
    Optional<List<String>> installIdentities();
}
