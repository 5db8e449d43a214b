package dev.twin.executor.model;

import dev.twin.executor.config.ExecutorConfig;
import dev.twin.executor.device.ExecutorDevice;
import dev.twin.executor.reject.Rejection;
import dev.twin.executor.reject.RejectedException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Loads the configured bundle at start. A bundle that fails to load leaves the service live but never ready, with
 * the reason in the readiness check (the process keeps running so an operator can read it).
 */
@ApplicationScoped
public class ModelHolder {
    private static final Logger LOG = Logger.getLogger(ModelHolder.class);

    private final ExecutorConfig config;
    private final ExecutorDevice device;
    private volatile LoadedModel model;
    private volatile String status = "bundle not loaded yet";

    public ModelHolder(ExecutorConfig config, ExecutorDevice device) {
        this.config = config;
        this.device = device;
    }

    void onStart(@Observes StartupEvent event) {
        long t0 = System.nanoTime();
        try {
            EngineThreads.apply(config);
            model = LoadedModel.load(config.bundle(), device.chosen().djl());
            status = "bundle " + config.bundle() + ": " + model.architecture() + ", tasks " + model.tasks()
                    + ", factored experts " + model.factoredBytes() / 1024 + " KiB on " + device.chosen().name();
            LOG.infof("loaded %s in %d ms", status, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            status = "bundle " + config.bundle() + " failed to load: " + e.getMessage();
            LOG.error(status, e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        LoadedModel m = model;
        model = null;
        status = "shutting down";
        if (m != null) {
            m.close();
        }
    }

    /** The loaded model, or a NOT_READY rejection carrying the reason. */
    public LoadedModel require() {
        LoadedModel m = model;
        if (m == null) {
            throw new RejectedException(Rejection.NOT_READY, "executor not ready: " + status);
        }
        return m;
    }

    public boolean ready() {
        return model != null;
    }

    /** What is loaded, or why nothing is. */
    public String status() {
        return status;
    }
}
