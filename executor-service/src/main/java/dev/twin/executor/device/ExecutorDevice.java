package dev.twin.executor.device;

import dev.twin.core.device.ChosenDevice;
import dev.twin.core.device.Devices;
import dev.twin.executor.config.ExecutorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The device the executor runs on ({@code twin.executor.device}), resolved first at start: a missing GPU that was
 * asked for throws here, before the bundle loads, and so stops the start with the reason.
 */
@ApplicationScoped
public class ExecutorDevice {
    public static final String KEY = "twin.executor.device";
    private static final Logger LOG = Logger.getLogger(ExecutorDevice.class);

    private final ExecutorConfig config;
    private volatile ChosenDevice chosen;

    public ExecutorDevice(ExecutorConfig config) {
        this.config = config;
    }

    // before the model holder loads the bundle onto the device
    void onStart(@Observes @Priority(0) StartupEvent event) {
        LOG.infof("device: %s", chosen());
    }

    public ChosenDevice chosen() {
        ChosenDevice d = chosen;
        if (d == null) {
            synchronized (this) {
                if (chosen == null) {
                    chosen = Devices.forDjl(KEY, config.device());
                }
                d = chosen;
            }
        }
        return d;
    }
}
