package dev.twin.cli.stack;

import dev.twin.cli.security.StackSecurity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The security settings each service of the stack gets: nothing for a plaintext stack; else its {@code -D}
 * properties plus the owner-only secrets file (under {@code <workdir>/secrets}) it loads.
 */
final class SecuredServices {
    private final Optional<StackSecurity> security;
    private final Path secretsDir;

    SecuredServices(Optional<StackSecurity> security, Path workDir) {
        this.security = security;
        this.secretsDir = workDir.resolve("secrets");
    }

    /** Kafka too: executors publish their heartbeats on twin.executors (discovery). */
    Map<String, String> executor(String name, int port) {
        return security.map(s -> with(s.kafka(), s.serverTls(port), s.executor(),
                StackSecurity.secretsFile(secretsDir, name, with(s.kafkaSecrets(), s.serverTlsSecrets()))))
                .orElse(Map.of());
    }

    Map<String, String> merger() {
        return security.map(s -> with(s.kafka(), s.merger(), StackSecurity.secretsFile(secretsDir, Stack.MERGER,
                with(s.kafkaSecrets(), s.mergerSecrets())))).orElse(Map.of());
    }

    Map<String, String> router(int port) {
        return security.map(s -> with(s.kafka(), s.serverTls(port), StackSecurity.secretsFile(secretsDir, Stack.ROUTER,
                with(s.kafkaSecrets(), s.serverTlsSecrets())))).orElse(Map.of());
    }

    @SafeVarargs
    private static Map<String, String> with(Map<String, String>... parts) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map<String, String> p : parts) {
            m.putAll(p);
        }
        return m;
    }
}
