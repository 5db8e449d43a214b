package dev.twin.router.route;

import dev.twin.router.overload.OverloadedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Collects submitted items into batches for a sink (the router call and the publish after it). A batch closes as
 * soon as the sink is idle (none of its futures pending), so a lone request never waits for a timer; while the sink
 * is busy, items accumulate until the batch weighs {@code maxSize} (e.g. rows) or its first item has waited
 * {@code maxWaitMs}. One thread hands each batch to the sink; every item's future completes when the sink's future
 * for its batch does (so a Kafka record is acknowledged only once routed).
 */
public final class MicroBatcher<T> implements AutoCloseable {
    private record Entry<T>(T item, int weight, CompletableFuture<Void> done) {
    }

    private final int maxSize;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final ToIntFunction<T> weigher;
    private final Function<List<T>, CompletableFuture<Void>> sink;
    private final ArrayDeque<Entry<T>> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    // signalled when an item arrives, the sink finishes a batch, or close() is called
    private final Condition changed = lock.newCondition();
    private final Thread worker;
    private int inFlight;
    private int queuedWeight;
    private volatile boolean closed;

    public MicroBatcher(String name, int maxSize, long maxWaitMs, Function<List<T>, CompletableFuture<Void>> sink) {
        this(name, maxSize, maxWaitMs, item -> 1, sink);
    }

    /** {@code weigher}: an item's share of {@code maxSize} (at least 1; an item heavier than maxSize goes alone). */
    public MicroBatcher(String name, int maxSize, long maxWaitMs, ToIntFunction<T> weigher,
                        Function<List<T>, CompletableFuture<Void>> sink) {
        this(name, maxSize, Integer.MAX_VALUE, maxWaitMs, weigher, sink);
    }

    /**
     * {@code maxQueued}: the weight that may wait in the queue (not yet handed to the sink); beyond it
     * {@link #offer} refuses and {@link #submit} waits. An item heavier than the bound is taken when the queue is
     * empty.
     */
    public MicroBatcher(String name, int maxSize, int maxQueued, long maxWaitMs, ToIntFunction<T> weigher,
                        Function<List<T>, CompletableFuture<Void>> sink) {
        if (maxSize < 1 || maxWaitMs < 0 || maxQueued < 1) {
            throw new IllegalArgumentException("micro-batch needs max size >= 1, max queued >= 1 and max wait >= 0 ms,"
                    + " got " + maxSize + ", " + maxQueued + " and " + maxWaitMs);
        }
        this.maxSize = maxSize;
        this.maxQueued = maxQueued;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.weigher = weigher;
        this.sink = sink;
        this.worker = new Thread(this::run, name);
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues one item, waiting while the queue is full (back-pressure for a caller that may block, e.g. a Kafka
     * worker); the future completes when its batch has been handed on (or fails with the sink's error).
     */
    public CompletableFuture<Void> submit(T item) {
        return enqueue(item, true);
    }

    /** Queues one item, or fails at once with an {@link OverloadedException} when the queue is full. */
    public CompletableFuture<Void> offer(T item) {
        return enqueue(item, false);
    }

    private CompletableFuture<Void> enqueue(T item, boolean wait) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int weight = Math.max(1, weigher.applyAsInt(item));
        lock.lock();
        try {
            while (!closed && queuedWeight > 0 && queuedWeight + weight > maxQueued) {
                if (!wait) {
                    return CompletableFuture.failedFuture(new OverloadedException("router queue full: " + queuedWeight
                            + " rows waiting for routing (twin.router.batch.max-queued-rows=" + maxQueued + ")"));
                }
                changed.await(100, TimeUnit.MILLISECONDS);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("micro-batcher is closed"));
            }
            queue.add(new Entry<>(item, weight, done));
            queuedWeight += weight;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new IllegalStateException("interrupted while waiting for room", e));
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** Weight waiting in the queue. */
    public int queued() {
        lock.lock();
        try {
            return queuedWeight;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Entry<T>> batch;
            try {
                batch = next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
                continue;
            }
            if (batch == null) {
                return;
            }
            flush(batch);
        }
    }

    /** The next batch, or null once closed with nothing queued. */
    private List<Entry<T>> next() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.await(100, TimeUnit.MILLISECONDS);
            }
            long deadline = System.nanoTime() + maxWaitNanos;
            List<Entry<T>> batch = new ArrayList<>();
            int weight = 0;
            while (true) {
                // take what is queued, up to the size bound (the first item always fits)
                while (!queue.isEmpty() && (batch.isEmpty() || weight + queue.peek().weight() <= maxSize)) {
                    Entry<T> e = queue.poll();
                    batch.add(e);
                    weight += e.weight();
                    queuedWeight -= e.weight();
                    changed.signalAll(); // room for waiting submitters
                }
                long left = deadline - System.nanoTime();
                if (weight >= maxSize || !queue.isEmpty() || inFlight == 0 || closed || left <= 0) {
                    return batch;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void flush(List<Entry<T>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Entry<T> e : batch) {
            items.add(e.item());
        }
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> out;
        try {
            out = sink.apply(items);
        } catch (RuntimeException e) {
            out = CompletableFuture.failedFuture(e);
        }
        out.whenComplete((v, err) -> {
            lock.lock();
            try {
                inFlight--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            for (Entry<T> e : batch) {
                if (err == null) {
                    e.done().complete(null);
                } else {
                    e.done().completeExceptionally(err);
                }
            }
        });
    }

    /** Stops taking items and hands on what is queued (graceful shutdown finishes in-flight work). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
