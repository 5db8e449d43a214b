package dev.twin.router.health;

import dev.twin.router.device.RouterDevice;
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
    private final RouterDevice device;

    public RouterReadiness(RouterHolder holder, RouterDevice device) {
        this.holder = holder;
        this.device = device;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("router-bundle").status(holder.ready())
                .withData("status", holder.status())
                .withData("device", device.chosen().toString()).build();
    }
}
