package dev.twin.router.route;

import dev.twin.core.device.DeviceUnavailableException;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.device.RouterDevice;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Loads the bundle's router at start. A bundle that fails to load leaves the service live but never ready, with the
 * reason in the readiness check and in every rejected call.
 */
@ApplicationScoped
public class RouterHolder {
    private static final Logger LOG = Logger.getLogger(RouterHolder.class);

    private final RouterConfig config;
    private final RouterDevice device;
    private volatile LoadedRouter router;
    private volatile String status = "bundle not loaded yet";

    public RouterHolder(RouterConfig config, RouterDevice device) {
        this.config = config;
        this.device = device;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        long t0 = System.nanoTime();
        try {
            router = LoadedRouter.load(config, device.chosen().gpuIndex());
            status = "bundle " + config.bundle() + ": tasks " + router.tasks() + ", input " + router.inputShape()
                    + ", temperature " + router.temperature() + ", grouping " + config.grouping().strategy() + ", on " + device.chosen().name();
            LOG.infof("loaded %s in %d ms", status, (System.nanoTime() - t0) / 1_000_000);
        } catch (DeviceUnavailableException e) {
            throw e; // the GPU asked for is not usable: no start (and no CPU fallback)
        } catch (RuntimeException e) {
            status = "bundle " + config.bundle() + " failed to load: " + e.getMessage();
            LOG.error(status, e);
        }
    }

    void onStop(@Observes @Priority(10_000) ShutdownEvent event) {
        LoadedRouter r = router;
        router = null;
        status = "shutting down";
        if (r != null) {
            r.close();
        }
    }

    /** The loaded router, or an IllegalStateException carrying why there is none. */
    public LoadedRouter require() {
        LoadedRouter r = router;
        if (r == null) {
            throw new IllegalStateException("router not ready: " + status);
        }
        return r;
    }

    public boolean ready() {
        return router != null;
    }

    public String status() {
        return status;
    }
}
