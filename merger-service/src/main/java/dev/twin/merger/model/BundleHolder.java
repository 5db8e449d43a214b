package dev.twin.merger.model;

import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.device.MergerDevice;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Loads the configured bundle at start. A bundle that fails to load leaves the service live but never ready, with
 * the reason in the readiness check.
 */
@ApplicationScoped
public class BundleHolder {
    private static final Logger LOG = Logger.getLogger(BundleHolder.class);

    private final MergerConfig config;
    private final MergerDevice device;
    private volatile LoadedBundle bundle;
    private volatile String status = "bundle not loaded yet";

    public BundleHolder(MergerConfig config, MergerDevice device) {
        this.config = config;
        this.device = device;
    }

    // before the Kafka consumer starts polling (it observes StartupEvent later)
    void onStart(@Observes @Priority(1) StartupEvent event) {
        long t0 = System.nanoTime();
        try {
            bundle = LoadedBundle.load(config.bundle(), device.chosen().djl());
            status = "bundle " + config.bundle() + ": tasks " + bundle.tasks() + ", input " + bundle.inputDim()
                    + ", materializing on " + device.chosen().name();
            LOG.infof("loaded %s in %d ms", status, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            status = "bundle " + config.bundle() + " failed to load: " + e.getMessage();
            LOG.error(status, e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        LoadedBundle b = bundle;
        bundle = null;
        status = "shutting down";
        if (b != null) {
            b.close();
        }
    }

    /** The loaded bundle, or an IllegalStateException carrying the reason. */
    public LoadedBundle require() {
        LoadedBundle b = bundle;
        if (b == null) {
            throw new IllegalStateException("merger not ready: " + status);
        }
        return b;
    }

    public boolean ready() {
        return bundle != null;
    }

    public String status() {
        return status;
    }
}
