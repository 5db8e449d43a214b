package dev.twin.executor.weights;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * The JVM's direct memory, where installed weight sets live: DJL copies each tensor into a direct buffer that the
 * torch tensor wraps, so a set costs its bytes there, not on the heap.
 *
 * @param max    the JVM's limit, -XX:MaxDirectMemorySize (its default is the heap's -Xmx)
 * @param used   bytes in use now
 * @param margin bytes kept free for per-call buffers (input rows, outputs)
 */
public record DirectMemory(long max, LongSupplier used, long margin) {
    private static final long MIN_MARGIN = 64L << 20;

    /** This JVM's: the limit from the VM option, the use from the "direct" buffer pool, a tenth (≥ 64 MiB) kept free. */
    public static DirectMemory ofThisJvm() {
        long option = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxDirectMemorySize").getValue());
        long max = option > 0 ? option : Runtime.getRuntime().maxMemory();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst()
                .orElseThrow(() -> new IllegalStateException("this JVM reports no direct buffer pool"));
        return new DirectMemory(max, direct::getMemoryUsed, Math.max(MIN_MARGIN, max / 10));
    }

    /** What installed sets may take, given what else was in use when none was installed (the bundle, mostly). */
    long roomForSets(long usedWithoutSets) {
        return Math.max(0, max - usedWithoutSets - margin);
    }
}
