package dev.twin.executor.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An evicted set stays allocated while a batch holds a lease and is freed exactly once when the last lease closes.
 * (A counter stands in for the DJL manager: this JVM's Quarkus tests own the native library's classloader.)
 */
class InstalledSetTest {

    @Test
    void retiredSetFreesOnlyAfterTheLastLease() {
        AtomicInteger frees = new AtomicInteger();
        InstalledSet set = new InstalledSet("k", Map.of(), frees::incrementAndGet, 3);
        Lease first = new Lease(set);
        Lease second = new Lease(set);
        set.retire();
        first.close();
        first.close(); // a second close must not release the other lease's hold
        assertEquals(0, frees.get());
        second.close();
        assertEquals(1, frees.get());
        set.retire();
        assertEquals(1, frees.get());
    }

    @Test
    void unusedSetFreesWhenRetiredAndLeasesAloneNeverFree() {
        AtomicInteger frees = new AtomicInteger();
        InstalledSet set = new InstalledSet("k", Map.of(), frees::incrementAndGet, 1);
        new Lease(set).close();
        assertEquals(0, frees.get());
        set.retire();
        assertEquals(1, frees.get());
    }
}
