package dev.twin.router.health;

import dev.twin.router.route.RouterHolder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the bundle and its router are loaded; the response says what is loaded or why not. */
@Readiness
@ApplicationScoped
public class RouterReadiness implements HealthCheck {
    private final RouterHolder holder;

    public RouterReadiness(RouterHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("router-bundle").status(holder.ready())
                .withData("status", holder.status()).build();
    }
}
