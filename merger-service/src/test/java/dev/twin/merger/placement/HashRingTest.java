package dev.twin.merger.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Consistent hashing: determinism, balance, and that membership changes move only about 1/n of the keys. */
class HashRingTest {
    private static final int KEYS = 20_000;
    private static final List<String> FOUR = List.of("e0:9100", "e1:9100", "e2:9100", "e3:9100");

    private static List<String> keys() {
        List<String> k = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            k.add("cluster-" + i);
        }
        return k;
    }

    @Test
    void sameKeysSameOwnersAcrossInstances() {
        HashRing a = new HashRing(FOUR, 64);
        HashRing b = new HashRing(List.of("e0:9100", "e1:9100", "e2:9100", "e3:9100"), 64);
        for (String k : keys()) {
            assertEquals(a.owner(k), b.owner(k));
            assertEquals(a.order(k), b.order(k));
        }
    }

    @Test
    void hashIsMd5Prefix() {
        // MD5("") = d41d8cd98f00b204 e9800998ecf8427e (RFC 1321 test suite)
        assertEquals(0xd41d8cd98f00b204L, HashRing.hash(""));
    }

    @Test
    void addingANodeMovesAboutOneFifthOnlyToTheNewNode() {
        HashRing four = new HashRing(FOUR, 128);
        List<String> five = new ArrayList<>(FOUR);
        five.add("e4:9100");
        HashRing ring5 = new HashRing(five, 128);
        int moved = 0;
        for (String k : keys()) {
            String before = four.owner(k);
            String after = ring5.owner(k);
            if (!before.equals(after)) {
                moved++;
                assertEquals("e4:9100", after, "a key may only move to the new node");
            }
        }
        double frac = (double) moved / KEYS;
        // expected 1/5 = 0.2; virtual nodes keep it near that
        assertTrue(frac > 0.12 && frac < 0.28, "moved fraction " + frac);
    }

    @Test
    void removingANodeMovesOnlyItsKeysToTheNextOnTheRing() {
        HashRing four = new HashRing(FOUR, 128);
        HashRing three = new HashRing(List.of("e0:9100", "e1:9100", "e3:9100"), 128);
        int moved = 0;
        for (String k : keys()) {
            String before = four.owner(k);
            if (before.equals("e2:9100")) {
                moved++;
                // fail-over order: the next distinct node clockwise is the owner once e2 is gone
                assertEquals(four.order(k).get(1), three.owner(k));
            } else {
                assertEquals(before, three.owner(k), "key " + k + " of a surviving node moved");
            }
        }
        double frac = (double) moved / KEYS;
        assertTrue(frac > 0.15 && frac < 0.35, "moved fraction " + frac + " (expected about 1/4)");
    }

    @Test
    void orderListsEveryNodeOnceStartingAtTheOwner() {
        HashRing ring = new HashRing(FOUR, 16);
        for (String k : keys().subList(0, 500)) {
            List<String> order = ring.order(k);
            assertEquals(4, order.size());
            assertEquals(4, new HashSet<>(order).size());
            assertEquals(ring.owner(k), order.get(0));
        }
    }

    @Test
    void loadIsBalanced() {
        HashRing ring = new HashRing(FOUR, 128);
        int[] count = new int[4];
        for (String k : keys()) {
            count[FOUR.indexOf(ring.owner(k))]++;
        }
        for (int c : count) {
            // 5000 each ideally
            assertTrue(c > 3500 && c < 6500, "node load " + c);
        }
    }

    @Test
    void badRingsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HashRing(List.of(), 4)).getMessage()
                .contains("at least one node"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HashRing(List.of("a", "a"), 4))
                .getMessage().contains("not distinct"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HashRing(List.of("a"), 0)).getMessage()
                .contains("virtual nodes"));
    }
}
