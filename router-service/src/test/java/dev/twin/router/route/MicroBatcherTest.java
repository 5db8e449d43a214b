package dev.twin.router.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    @Test
    void sizeBoundClosesFullBatchesWithoutWaiting() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher<Integer> b = new MicroBatcher<>("t", 3, 60_000, items -> {
            batches.add(items);
            return CompletableFuture.completedFuture(null);
        })) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                done.add(b.submit(i));
            }
            // the 60 s time bound would make this time out; the size bound closes both batches at once
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5)), batches);
        }
    }

    @Test
    void timeBoundClosesAPartialBatchAfterMaxWait() throws Exception {
        List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher<String> b = new MicroBatcher<>("t", 100, 300, items -> {
            batches.add(items);
            return CompletableFuture.completedFuture(null);
        })) {
            long t0 = System.nanoTime();
            CompletableFuture<Void> f1 = b.submit("x");
            CompletableFuture<Void> f2 = b.submit("y");
            Thread.sleep(100);
            assertFalse(f1.isDone(), "flushed before the 300 ms bound");
            CompletableFuture.allOf(f1, f2).get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 290, "flushed after " + ms + " ms");
            assertEquals(List.of(List.of("x", "y")), batches);
        }
    }

    @Test
    void sinkFailureFailsEveryItemOfTheBatch() {
        try (MicroBatcher<Integer> b = new MicroBatcher<>("t", 2, 60_000,
                items -> CompletableFuture.failedFuture(new IllegalStateException("broker down")))) {
            CompletableFuture<Void> f1 = b.submit(1);
            CompletableFuture<Void> f2 = b.submit(2);
            for (CompletableFuture<Void> f : List.of(f1, f2)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                assertEquals("broker down", e.getCause().getMessage());
            }
        }
    }

    @Test
    void closeFlushesWhatIsQueued() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher<Integer> b = new MicroBatcher<>("t", 10, 60_000, items -> {
            batches.add(items);
            return CompletableFuture.completedFuture(null);
        });
        CompletableFuture<Void> f = b.submit(7);
        Thread.sleep(50);
        b.close();
        assertTrue(f.isDone());
        assertEquals(List.of(List.of(7)), batches);
        assertTrue(b.submit(8).isCompletedExceptionally());
    }
}
