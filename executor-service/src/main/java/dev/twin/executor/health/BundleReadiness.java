package dev.twin.executor.health;

import dev.twin.executor.device.ExecutorDevice;
import dev.twin.executor.model.ModelHolder;
import dev.twin.executor.weights.WeightStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the bundle and its model are loaded; the response says what is loaded or why not. */
@Readiness
@ApplicationScoped
public class BundleReadiness implements HealthCheck {
    private final ModelHolder holder;
    private final WeightStore store;
    private final ExecutorDevice device;

    public BundleReadiness(ModelHolder holder, WeightStore store, ExecutorDevice device) {
        this.holder = holder;
        this.store = store;
        this.device = device;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("executor-bundle")
                .status(holder.ready())
                .withData("status", holder.status())
                .withData("device", device.chosen().toString())
                .withData("installed", store.list().size())
                .withData("capacity", store.capacity())
                .withData("installs", store.counters().installs())
                .withData("evictions", store.counters().evictions())
                .withData("installed-bytes", store.counters().bytes());
        if (holder.ready()) {
            // θ* and the stacked expert factors, resident once per bundle version for factored execution
            response.withData("factored-bytes", holder.require().factoredBytes());
        }
        return response.build();
    }
}
