package dev.twin.router.route;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Collects submitted items into batches bounded by size and by time: a batch closes when it holds {@code maxSize}
 * items or when its first item has waited {@code maxWaitMs}. One thread hands each batch to the sink; every item's
 * future completes when the sink's future for its batch does (so a Kafka record is acknowledged only once routed).
 */
public final class MicroBatcher<T> implements AutoCloseable {
    private record Entry<T>(T item, CompletableFuture<Void> done) {
    }

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int maxSize;
    private final long maxWaitNanos;
    private final Function<List<T>, CompletableFuture<Void>> sink;
    private final BlockingQueue<Entry<T>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    public MicroBatcher(String name, int maxSize, long maxWaitMs, Function<List<T>, CompletableFuture<Void>> sink) {
        if (maxSize < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("micro-batch needs max size >= 1 and max wait >= 0 ms, got " + maxSize
                    + " and " + maxWaitMs);
        }
        this.maxSize = maxSize;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.sink = sink;
        this.worker = new Thread(this::run, name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues one item; the future completes when its batch has been handed on (or fails with the sink's error). */
    public CompletableFuture<Void> submit(T item) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("micro-batcher is closed"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Entry<>(item, done));
        return done;
    }

    private void run() {
        List<Entry<T>> batch = new ArrayList<>(maxSize);
        while (!closed || !queue.isEmpty()) {
            try {
                Entry<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxSize) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        // out of time (or closing): take what is already queued, wait for nothing more
                        Entry<T> next = queue.poll();
                        if (next == null) {
                            break;
                        }
                        batch.add(next);
                    } else {
                        // short slices so that close() is noticed while a long max-wait runs
                        Entry<T> next = queue.poll(Math.min(left, SLICE_NANOS), TimeUnit.NANOSECONDS);
                        if (next != null) {
                            batch.add(next);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
            if (!batch.isEmpty()) {
                flush(batch);
                batch = new ArrayList<>(maxSize);
            }
        }
    }

    private void flush(List<Entry<T>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Entry<T> e : batch) {
            items.add(e.item());
        }
        CompletableFuture<Void> out;
        try {
            out = sink.apply(items);
        } catch (RuntimeException e) {
            out = CompletableFuture.failedFuture(e);
        }
        out.whenComplete((v, err) -> {
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
        closed = true;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
