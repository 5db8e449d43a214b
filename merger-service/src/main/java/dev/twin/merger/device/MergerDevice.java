package dev.twin.merger.device;

import dev.twin.core.device.ChosenDevice;
import dev.twin.core.device.Devices;
import dev.twin.merger.config.MergerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The device the merger materializes on ({@code twin.merger.device}), resolved first at start: a missing GPU that was
 * asked for throws here, before the bundle loads, and so stops the start with the reason.
 */
@ApplicationScoped
public class MergerDevice {
    public static final String KEY = "twin.merger.device";
    private static final Logger LOG = Logger.getLogger(MergerDevice.class);

    private final MergerConfig config;
    private volatile ChosenDevice chosen;

    public MergerDevice(MergerConfig config) {
        this.config = config;
    }

    // before the bundle holder loads the materializer onto the device
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
