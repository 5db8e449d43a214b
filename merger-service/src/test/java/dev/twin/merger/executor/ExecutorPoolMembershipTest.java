package dev.twin.merger.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.proto.executor.ExecuteRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Membership changes at run time: growing 1 → 2 → 3 executors and shrinking again moves only the keys of the member
 * that changed (about 1/n of them), whatever order discovery reports the members in.
 */
class ExecutorPoolMembershipTest {
    private static final int KEYS = 20_000;

    private static Map<String, String> owners(ExecutorPool pool) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            out.put("q4:" + i, pool.owner("q4:" + i));
        }
        return out;
    }

    /** Keys whose owner changed; each must have moved to (growing) or from (shrinking) {@code changed}. */
    private static int moved(Map<String, String> before, Map<String, String> after, String changed, boolean joined) {
        int n = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (!now.equals(e.getValue())) {
                n++;
                assertEquals(changed, joined ? now : e.getValue(), "key " + e.getKey() + " moved " + e.getValue()
                        + " -> " + now + " although only " + changed + " changed");
            }
        }
        return n;
    }

    @Test
    void scalingMovesOnlyTheChangedMembersShare() {
        try (Pool p = new Pool()) {
            ExecutorPool pool = p.pool;
            assertNull(pool.owner("q4:1"), "no executor known yet");
            assertTrue(pool.update(List.of("127.0.0.1:9101")));
            Map<String, String> one = owners(pool);
            assertTrue(pool.update(List.of("127.0.0.1:9102", "127.0.0.1:9101")));
            Map<String, String> two = owners(pool);
            double f2 = moved(one, two, "127.0.0.1:9102", true) / (double) KEYS;
            assertTrue(f2 > 0.38 && f2 < 0.62, "1 -> 2 moved " + f2 + " of the keys (expected about 1/2)");
            assertTrue(pool.update(List.of("127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103")));
            Map<String, String> three = owners(pool);
            double f3 = moved(two, three, "127.0.0.1:9103", true) / (double) KEYS;
            assertTrue(f3 > 0.23 && f3 < 0.43, "2 -> 3 moved " + f3 + " of the keys (expected about 1/3)");
            assertTrue(pool.update(List.of("127.0.0.1:9103", "127.0.0.1:9101")));
            Map<String, String> back = owners(pool);
            double fr = moved(three, back, "127.0.0.1:9102", false) / (double) KEYS;
            assertTrue(fr > 0.23 && fr < 0.43, "3 -> 2 moved " + fr + " of the keys (expected about 1/3)");
        }
    }

    @Test
    void theSameSetInAnotherOrderIsNoChange() {
        try (Pool p = new Pool()) {
            assertTrue(p.pool.update(List.of("b:1", "a:1")));
            Map<String, String> before = owners(p.pool);
            assertFalse(p.pool.update(List.of("a:1", "b:1")));
            assertEquals(List.of("a:1", "b:1"), p.pool.members());
            assertEquals(before, owners(p.pool));
        }
    }

    @Test
    void withNoExecutorACallFailsAsUnavailableSoTheCallerRetries() {
        try (Pool p = new Pool()) {
            ExecutorUnavailableException e = assertThrows(ExecutorUnavailableException.class,
                    () -> p.pool.executeAnywhere(ExecuteRequest.getDefaultInstance()));
            assertTrue(e.getMessage().startsWith("no executor known yet"), e.getMessage());
            p.pool.update(List.of("a:1"));
            p.pool.update(List.of());
            assertEquals(List.of(), p.pool.members());
            assertNull(p.pool.owner("k"));
        }
    }

    /** A pool whose clients are closed after the test (they never connect: gRPC channels are lazy). */
    private static final class Pool implements AutoCloseable {
        final ExecutorPool pool = new ExecutorPool(128, 5);

        @Override
        public void close() {
            pool.update(List.of());
        }
    }
}
