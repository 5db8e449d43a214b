package dev.twin.router.device;

import dev.twin.core.device.ChosenDevice;
import dev.twin.core.device.Devices;
import dev.twin.router.config.RouterConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The device router.onnx runs on (ONNX Runtime) ({@code twin.router.device}), resolved first at start: a missing GPU that was
 * asked for throws here, before the bundle loads, and so stops the start with the reason.
 */
@ApplicationScoped
public class RouterDevice {
    public static final String KEY = "twin.router.device";
    private static final Logger LOG = Logger.getLogger(RouterDevice.class);

    private final RouterConfig config;
    private volatile ChosenDevice chosen;

    public RouterDevice(RouterConfig config) {
        this.config = config;
    }

    // before the router holder opens the ONNX session on the device
    void onStart(@Observes @Priority(0) StartupEvent event) {
        LOG.infof("device: %s", chosen());
    }

    public ChosenDevice chosen() {
        ChosenDevice d = chosen;
        if (d == null) {
            synchronized (this) {
                if (chosen == null) {
                    chosen = Devices.forOnnx(KEY, config.device());
                }
                d = chosen;
            }
        }
        return d;
    }
}
