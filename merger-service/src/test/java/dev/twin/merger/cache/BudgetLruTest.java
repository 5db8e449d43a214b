package dev.twin.merger.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LRU under a byte budget, with sizes computed by hand (4 bytes per float). */
class BudgetLruTest {

    /** A fake set of n floats: 4·n bytes; records whether it was freed. */
    static final class Fake implements Sized {
        final long floats;
        boolean closed;

        Fake(long floats) {
            this.floats = floats;
        }

        @Override
        public long bytes() {
            return 4 * floats;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void evictsLeastRecentlyUsedUntilTheNewSetFits() {
        // budget 1000 B; sets of 100, 100, 50 floats = 400 + 400 + 200 = 1000 B exactly fit
        BudgetLru<Fake> lru = new BudgetLru<>(1000);
        Fake a = new Fake(100);
        Fake b = new Fake(100);
        Fake c = new Fake(50);
        List<String> ev = new ArrayList<>();
        lru.admit("a", a, ev);
        lru.admit("b", b, ev);
        lru.admit("c", c, ev);
        assertEquals(List.of(), ev);
        assertEquals(new CacheStats(0, 3, 0, 3, 1000, 1000), lru.stats());

        // touch a: b becomes least recently used
        assertSame(a, lru.get("a", v -> true));
        // d = 60 floats = 240 B: 1000 + 240 > 1000, evicting b (400 B) leaves 600 + 240 = 840 B
        Fake d = new Fake(60);
        lru.admit("d", d, ev);
        assertEquals(List.of("b"), ev);
        assertTrue(b.closed);
        assertFalse(a.closed || c.closed || d.closed);
        assertEquals(new CacheStats(1, 4, 1, 3, 840, 1000), lru.stats());
        assertEquals(List.of("c", "a", "d"), lru.keys());

        // e = 150 floats = 600 B: evict c (200 B → 640), then a (400 B → 240); 240 + 600 = 840
        ev.clear();
        lru.admit("e", new Fake(150), ev);
        assertEquals(List.of("c", "a"), ev);
        assertEquals(new CacheStats(1, 5, 3, 2, 840, 1000), lru.stats());
    }

    @Test
    void aLookupTheCallerRefusesIsNoHitAndReplacingAKeyClosesTheOldValue() {
        BudgetLru<Fake> lru = new BudgetLru<>(1000);
        Fake a = new Fake(10);
        lru.admit("a", a, new ArrayList<>());
        assertEquals(null, lru.get("a", v -> false));
        assertEquals(null, lru.get("missing", v -> true));
        assertEquals(0, lru.stats().hits());
        Fake a2 = new Fake(20);
        lru.admit("a", a2, new ArrayList<>());
        assertTrue(a.closed);
        assertSame(a2, lru.get("a", v -> true));
        // replaced, not evicted: 80 bytes of a2 only
        assertEquals(new CacheStats(1, 2, 0, 1, 80, 1000), lru.stats());
    }

    @Test
    void aSetLargerThanTheBudgetIsAdmittedAlone() {
        BudgetLru<Fake> lru = new BudgetLru<>(1000);
        Fake a = new Fake(10);
        List<String> ev = new ArrayList<>();
        lru.admit("a", a, ev);
        lru.admit("big", new Fake(300), ev); // 1200 B > 1000 B
        assertEquals(List.of("a"), ev);
        assertTrue(a.closed);
        assertEquals(List.of("big"), lru.keys());
        assertEquals(1200, lru.stats().bytes());
    }

    @Test
    void removeFreesWithoutCountingAnEviction() {
        BudgetLru<Fake> lru = new BudgetLru<>(1000);
        Fake a = new Fake(10);
        lru.admit("a", a, new ArrayList<>());
        lru.remove("a");
        assertTrue(a.closed);
        assertEquals(new CacheStats(0, 1, 0, 0, 0, 1000), lru.stats());
    }

    @Test
    void rejectsANonPositiveBudget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BudgetLru<Fake>(0));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }
}
