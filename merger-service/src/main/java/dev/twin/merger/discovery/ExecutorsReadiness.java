package dev.twin.merger.discovery;

import dev.twin.merger.executor.ExecutorPool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once at least one executor is known; the data names the discovery mode, the current members and the calls
 * each executor has answered (how an operator, or the scale-out test, sees a new executor take traffic).
 */
@Readiness
@ApplicationScoped
public class ExecutorsReadiness implements HealthCheck {
    private final Discovery discovery;
    private final ExecutorPool pool;

    public ExecutorsReadiness(Discovery discovery, ExecutorPool pool) {
        this.discovery = discovery;
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("merger-executors").status(!pool.members().isEmpty())
                .withData("discovery", discovery.status())
                .withData("executors", String.join(",", pool.members()))
                .withData("answered-calls", pool.answeredCalls().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        if (!discovery.otherVersions().isEmpty()) {
            b.withData("other-bundle-versions", discovery.otherVersions().toString());
        }
        return b.build();
    }
}
