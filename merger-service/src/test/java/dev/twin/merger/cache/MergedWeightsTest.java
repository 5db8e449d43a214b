package dev.twin.merger.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An evicted set stays allocated while a batch holds it, and is freed exactly once by the last release. */
class MergedWeightsTest {
    private final AtomicInteger closes = new AtomicInteger();
    // a manager that only counts close(): the arrays' lifetime is all this test is about
    private final NDManager manager = (NDManager) Proxy.newProxyInstance(NDManager.class.getClassLoader(),
            new Class<?>[]{NDManager.class}, (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                    closes.incrementAndGet();
                }
                return null;
            });

    @Test
    void evictionWhileInUseFreesOnTheLastRelease() {
        MergedWeights m = new MergedWeights("k", new float[]{1f}, manager, Map.of());
        m.retain(); // a batch takes it
        m.close(); // the cache evicts it meanwhile
        assertFalse(m.freed());
        assertEquals(0, closes.get());
        m.release(); // the batch is done
        assertTrue(m.freed());
        assertEquals(1, closes.get());
        assertThrows(IllegalStateException.class, m::release);
        assertThrows(IllegalStateException.class, m::retain);
        assertFalse(m.tryRetain(), "a freed set cannot be taken again");
        assertEquals(1, closes.get());
    }

    @Test
    void aSetNobodyUsesIsFreedByTheCache() {
        BudgetLru<MergedWeights> lru = new BudgetLru<>(8);
        MergedWeights a = new MergedWeights("a", new float[]{1f}, manager, Map.of());
        lru.admit("a", a, new java.util.ArrayList<>());
        lru.clear();
        assertTrue(a.freed());
        assertEquals(1, closes.get());
    }
}
