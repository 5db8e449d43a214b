package dev.twin.core.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/**
 * The one place that configures DJL: offline (libtorch comes from the Maven jar, nothing is downloaded) and its
 * native cache under ~/.cache/twin/djl, so nobody has to remember a flag. Call {@link #newManager()} instead of
 * {@code NDManager.newBaseManager()}.
 */
public final class DjlRuntime {
    private static volatile boolean configured;

    private DjlRuntime() {
    }

    public static synchronized void configure() {
        if (configured) {
            return;
        }
        setIfAbsent("ai.djl.offline", "true");
        String cache = TwinPaths.cacheDir().resolve("djl").toString();
        setIfAbsent("DJL_CACHE_DIR", cache);
        setIfAbsent("ENGINE_CACHE_DIR", cache);
        setIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        configured = true;
    }

    public static NDManager newManager() {
        configure();
        return NDManager.newBaseManager();
    }

    /** A root manager whose arrays live on {@code device} (a service's chosen device, dev.twin.core.device). */
    public static NDManager newManager(Device device) {
        configure();
        return NDManager.newBaseManager(device);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** For tests and tools: the cache directory DJL will use. */
    public static Path djlCache() {
        configure();
        String p = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        return Path.of(p);
    }
}
