package dev.twin.merger.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Heartbeats, tombstones and expiry, with times chosen by hand (expiry bound 5000 ms). */
class MembershipTest {

    @Test
    void anExecutorIsLiveUntilItsLatestHeartbeatIsOlderThanTheBound() {
        Membership m = new Membership(5000, "v1");
        m.heartbeat("a:1", "v1", 1000);
        m.heartbeat("b:1", "v1", 3000);
        assertEquals(Set.of("a:1", "b:1"), m.live(6000)); // a: 5000 ms old, exactly at the bound
        assertEquals(Set.of("b:1"), m.live(6001)); // a: 5001 ms old
        m.heartbeat("a:1", "v1", 6500); // a came back
        assertEquals(Set.of("a:1", "b:1"), m.live(7000));
        assertEquals(Set.of("a:1"), m.live(8001)); // b: 5001 ms old
    }

    @Test
    void anOlderHeartbeatReadLaterDoesNotRejuvenate() {
        Membership m = new Membership(5000, null);
        m.heartbeat("a:1", "v1", 9000);
        m.heartbeat("a:1", "v1", 1000); // e.g. another partition's older record
        assertEquals(Set.of("a:1"), m.live(13_000));
    }

    @Test
    void aTombstoneRemovesAtOnceAndALaterHeartbeatRejoins() {
        Membership m = new Membership(5000, "v1");
        m.heartbeat("a:1", "v1", 1000);
        m.heartbeat("b:1", "v1", 1000);
        m.left("a:1");
        assertEquals(Set.of("b:1"), m.live(1001));
        m.heartbeat("a:1", "v1", 2000);
        assertEquals(Set.of("a:1", "b:1"), m.live(2001));
    }

    @Test
    void onlyTheRequiredBundleVersionJoinsAndOthersAreReported() {
        Membership m = new Membership(5000, "v2");
        m.heartbeat("a:1", "v1", 1000);
        m.heartbeat("b:1", "v2", 1000);
        assertEquals(Set.of("b:1"), m.live(1000));
        assertEquals(Map.of("a:1", "v1"), m.otherVersions());
        m.heartbeat("a:1", "v2", 1500); // upgraded
        assertEquals(Set.of("a:1", "b:1"), m.live(1500));
        assertEquals(Map.of(), m.otherVersions());
        Membership any = new Membership(5000, null);
        any.heartbeat("a:1", "v1", 1000);
        any.heartbeat("b:1", "v2", 1000);
        assertEquals(Set.of("a:1", "b:1"), any.live(1000));
    }

    @Test
    void aNonPositiveBoundIsRefused() {
        assertEquals("heartbeat expiry must be >= 1 ms, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Membership(0, null)).getMessage());
    }
}
