package dev.twin.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.runtime.DjlRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An evicted set stays readable while a batch holds a lease, and frees its memory when the last lease closes. */
class InstalledSetTest {

    @Test
    void retiredSetFreesOnlyAfterTheLastLease() {
        try (NDManager root = DjlRuntime.newManager()) {
            NDManager m = root.newSubManager();
            NDArray a = m.create(new float[] {1, 2, 3});
            InstalledSet set = new InstalledSet("k", Map.of("a", a), m, 3);
            Lease first = new Lease(set);
            Lease second = new Lease(set);
            set.retire();
            first.close();
            first.close(); // a second close must not release the other lease's hold
            assertTrue(m.isOpen());
            assertArrayEquals(new float[] {1, 2, 3}, second.params().get("a").toFloatArray());
            second.close();
            assertFalse(m.isOpen());
        }
    }

    @Test
    void unusedSetFreesWhenRetired() {
        try (NDManager root = DjlRuntime.newManager()) {
            NDManager m = root.newSubManager();
            InstalledSet set = new InstalledSet("k", Map.of("a", m.create(new float[] {1})), m, 1);
            assertTrue(m.isOpen());
            set.retire();
            assertFalse(m.isOpen());
        }
    }
}
