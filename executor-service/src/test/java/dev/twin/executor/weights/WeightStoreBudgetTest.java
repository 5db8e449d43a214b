package dev.twin.executor.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.executor.SyntheticBundle;
import dev.twin.executor.config.ExecutorConfig;
import dev.twin.executor.model.LoadedModel;
import java.nio.file.Path;
import java.util.List;
import dev.twin.executor.model.ModelHolder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The byte bound evicts like the count bound: least recently used first, never the set just installed. */
// a Quarkus test because the service's tests share one JVM and PyTorch loads in Quarkus' class loader
@QuarkusTest
@QuarkusTestResource(SyntheticBundle.class)
class WeightStoreBudgetTest {
    @Inject
    ModelHolder holder;
    private LoadedModel model;

    @BeforeEach
    void load() {
        model = holder.require();
    }

    private static ExecutorConfig config(int maxInstalled, long maxBytes) {
        return new ExecutorConfig() {
            @Override
            public Path bundle() {
                return Path.of("unused");
            }

            @Override
            public int maxInstalled() {
                return maxInstalled;
            }

            @Override
            public long maxInstalledBytes() {
                return maxBytes;
            }

            @Override
            public java.util.OptionalInt threads() {
                return java.util.OptionalInt.empty();
            }

            @Override
            public int interopThreads() {
                return 1;
            }

            @Override
            public String device() {
                return "cpu";
            }
        };
    }

    private static WeightSet set(int values) {
        WeightSet ws = new WeightSet();
        ws.put("trunk.0.weight", new FloatTensor(new int[]{values}, new float[values]));
        return ws;
    }

    @Test
    void bytesBeyondTheBudgetEvictTheLeastRecentlyUsed() {
        WeightStore store = new WeightStore(config(10, 10_000)); // 1000 floats = 4000 bytes: two fit
        assertEquals(List.of(), store.install(model, "a", set(1000)));
        assertEquals(List.of(), store.install(model, "b", set(1000)));
        store.lease("a").close(); // a is now more recently used than b
        assertEquals(List.of("b"), store.install(model, "c", set(1000)));
        assertEquals(new WeightStore.Counters(3, 1, 8000), store.counters());
        assertEquals(List.of("c", "a"), store.list().stream().map(Installed::key).toList());
    }

    @Test
    void directMemoryBelowTheBudgetEvictsBeforeAllocating() {
        // 10,000 bytes of direct memory left for sets, a byte budget of 1 GB: the direct room is the bound
        WeightStore store = new WeightStore(config(10, 1L << 30), new DirectMemory(12_000, () -> 1_000, 1_000));
        assertEquals(List.of(), store.install(model, "a", set(1000)));
        assertEquals(List.of(), store.install(model, "b", set(1000)));
        assertEquals(List.of("a"), store.install(model, "c", set(1000)));
        assertEquals(new WeightStore.Counters(3, 1, 8000), store.counters());
    }

    @Test
    void aSetLargerThanTheDirectMemoryLeftIsRefusedWithTheSizes() {
        WeightStore store = new WeightStore(config(10, 1L << 30), new DirectMemory(3L << 20, () -> 1L << 20, 0));
        store.install(model, "small", set(1000));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.install(model, "big", set(1 << 20))); // 4 MiB against 2 MiB of room
        assertEquals("weight set 'big' needs 4.0 MiB of direct memory and this executor has 2.0 MiB for installed"
                + " sets (direct memory limit 3.0 MiB, the heap's -Xmx unless -XX:MaxDirectMemorySize is set): give"
                + " it more", e.getMessage());
        assertEquals(List.of("small"), store.list().stream().map(Installed::key).toList()); // nothing evicted for it
    }

    @Test
    void aSetLargerThanTheBudgetStaysAloneRatherThanNotAtAll() {
        WeightStore store = new WeightStore(config(10, 1000));
        store.install(model, "small", set(100));
        assertEquals(List.of("small"), store.install(model, "big", set(1000)));
        assertEquals(new WeightStore.Counters(2, 1, 4000), store.counters());
    }
}
