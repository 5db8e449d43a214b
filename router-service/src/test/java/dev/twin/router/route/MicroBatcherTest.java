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
    void aFullQueueRefusesOfferAndMakesSubmitWaitForRoom() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        // the sink holds the batcher's thread on the first item, so later items stay queued (bound: 3 rows)
        try (MicroBatcher<Integer> b = new MicroBatcher<>("t", 2, 3, 0, i -> i, items -> {
            batches.add(items);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        })) {
            CompletableFuture<Void> first = b.offer(1);
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            CompletableFuture<Void> two = b.offer(2);
            CompletableFuture<Void> one = b.offer(1);
            assertEquals(3, b.queued());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> b.offer(1).get());
            assertEquals("router queue full: 3 rows waiting for routing (twin.router.batch.max-queued-rows=3)",
                    refused.getCause().getMessage());
            assertTrue(refused.getCause() instanceof dev.twin.router.overload.OverloadedException);
            CompletableFuture<CompletableFuture<Void>> waiting = CompletableFuture.supplyAsync(() -> b.submit(1));
            assertThrows(java.util.concurrent.TimeoutException.class, () -> waiting.get(300, TimeUnit.MILLISECONDS),
                    "submit waits while the queue is full");
            release.countDown();
            CompletableFuture.allOf(first, two, one, waiting.get(5, TimeUnit.SECONDS)).get(5, TimeUnit.SECONDS);
            assertEquals(0, b.queued());
            assertEquals(5, batches.stream().flatMap(List::stream).mapToInt(Integer::intValue).sum());
        }
    }

    @Test
    void sizeBoundClosesFullBatchesWithoutWaiting() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> firstPublish = new CompletableFuture<>();
        try (MicroBatcher<Integer> b = new MicroBatcher<>("t", 3, 60_000, items -> {
            batches.add(items);
            return batches.size() == 1 ? firstPublish : CompletableFuture.completedFuture(null);
        })) {
            b.submit(0); // the idle sink takes it alone and stays busy with it
            while (batches.isEmpty()) {
                Thread.sleep(5);
            }
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                done.add(b.submit(i));
            }
            // the sink is busy and the 60 s time bound would make this time out: the size bound closes both batches
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6)), batches);
            firstPublish.complete(null);
        }
    }

    @Test
    void anIdleSinkGetsEachItemAtOnceWithoutWaitingForTheTimeBound() throws Exception {
        List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher<String> b = new MicroBatcher<>("t", 100, 60_000, items -> {
            batches.add(items);
            return CompletableFuture.completedFuture(null);
        })) {
            // the 60 s bound would make these time out: the sink is idle, so nothing waits for it
            b.submit("x").get(5, TimeUnit.SECONDS);
            b.submit("y").get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of("x"), List.of("y")), batches);
        }
    }

    @Test
    void whileTheSinkIsBusyItemsGatherUntilItIsIdleAgain() throws Exception {
        List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> firstPublish = new CompletableFuture<>();
        try (MicroBatcher<String> b = new MicroBatcher<>("t", 100, 60_000, items -> {
            batches.add(items);
            return batches.size() == 1 ? firstPublish : CompletableFuture.completedFuture(null);
        })) {
            CompletableFuture<Void> f0 = b.submit("a");
            while (batches.isEmpty()) {
                Thread.sleep(5);
            }
            CompletableFuture<Void> f1 = b.submit("b");
            CompletableFuture<Void> f2 = b.submit("c");
            Thread.sleep(100);
            assertEquals(List.of(List.of("a")), batches, "b and c wait while a's publish is pending");
            assertFalse(f0.isDone() || f1.isDone() || f2.isDone());
            firstPublish.complete(null);
            CompletableFuture.allOf(f0, f1, f2).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of("a"), List.of("b", "c")), batches);
        }
    }

    @Test
    void timeBoundClosesAPartialBatchWhileTheSinkStaysBusy() throws Exception {
        List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        try (MicroBatcher<String> b = new MicroBatcher<>("t", 100, 300, items -> {
            batches.add(items);
            // the first batch never completes: the sink stays busy
            return batches.size() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        })) {
            b.submit("first");
            while (batches.isEmpty()) {
                Thread.sleep(5);
            }
            long t0 = System.nanoTime();
            CompletableFuture<Void> f1 = b.submit("x");
            CompletableFuture<Void> f2 = b.submit("y");
            CompletableFuture.allOf(f1, f2).get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 290, "flushed after " + ms + " ms, before the 300 ms bound");
            assertEquals(List.of(List.of("first"), List.of("x", "y")), batches);
        }
    }

    @Test
    void weightsBoundTheBatchAndAHeavyItemGoesAlone() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> busy = new CompletableFuture<>();
        try (MicroBatcher<Integer> b = new MicroBatcher<>("t", 4, 60_000, i -> i, items -> {
            batches.add(items);
            return batches.size() == 1 ? busy : CompletableFuture.completedFuture(null);
        })) {
            CompletableFuture<Void> f0 = b.submit(1);
            while (batches.isEmpty()) {
                Thread.sleep(5);
            }
            // weights 3 + 1 fill a batch of 4; 6 exceeds the bound alone; 2 follows
            List<CompletableFuture<Void>> done = new ArrayList<>(List.of(f0, b.submit(3), b.submit(1), b.submit(6),
                    b.submit(2)));
            busy.complete(null);
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(List.of(1), List.of(3, 1), List.of(6), List.of(2)), batches);
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
