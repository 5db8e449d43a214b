package dev.twin.executor.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.executor.config.ExecutorConfig;
import org.jboss.logging.Logger;

/**
 * Applies {@code twin.executor.threads} / {@code interop-threads} to PyTorch. The system properties reach an engine
 * that starts later; intra-op threads are also set on a running engine (PyTorch allows that at any time, unlike
 * inter-op threads, which stay as the engine started with them).
 */
final class EngineThreads {
    private static final Logger LOG = Logger.getLogger(EngineThreads.class);

    private EngineThreads() {
    }

    static void apply(ExecutorConfig config) {
        int intra = config.threads().orElse(Runtime.getRuntime().availableProcessors());
        if (intra < 1 || config.interopThreads() < 1) {
            throw new IllegalArgumentException("twin.executor.threads and interop-threads must be at least 1, got "
                    + intra + " and " + config.interopThreads());
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(intra));
        System.setProperty("ai.djl.pytorch.num_interop_threads", String.valueOf(config.interopThreads()));
        DjlRuntime.configure();
        Engine.getEngine("PyTorch"); // starts the engine with the properties above (if not yet running)
        JniUtils.setNumThreads(intra);
        LOG.infof("PyTorch threads: %d intra-op, %d inter-op", JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads());
    }
}
