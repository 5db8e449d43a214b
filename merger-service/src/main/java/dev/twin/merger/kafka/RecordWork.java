package dev.twin.merger.kafka;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One attempt at answering a record: the answered rows, and per item how many rows are still missing, so that an item
 * is published the moment its last row is answered (whichever executor call carried it). Thread-safe: calls of one
 * record may complete on different threads.
 */
final class RecordWork {
    final Parsed parsed;
    final float[][] logits;
    final int[] predicted;
    private final AtomicInteger[] missing;
    private final int[] itemOfRow;
    /** When the record's poll reached the merger (System.nanoTime), kept across redone attempts. */
    final long polledNanos;

    RecordWork(Parsed parsed) {
        this(parsed, System.nanoTime());
    }

    RecordWork(Parsed parsed, long polledNanos) {
        this.parsed = parsed;
        this.polledNanos = polledNanos;
        Checked c = parsed.checked();
        int rows = c.totalRows();
        this.logits = new float[rows][];
        this.predicted = new int[rows];
        this.itemOfRow = new int[rows];
        this.missing = new AtomicInteger[c.batch().getItemsCount()];
        for (int i = 0; i < missing.length; i++) {
            missing[i] = new AtomicInteger(c.rowsOf(i));
            for (int r = c.rowStart()[i]; r < c.rowStart()[i + 1]; r++) {
                itemOfRow[r] = i;
            }
        }
    }

    int itemOfRow(int row) {
        return itemOfRow[row];
    }

    /** Stores row's answer; returns the item index when this was its last missing row, else -1. */
    int answer(int row, float[] rowLogits, int rowPredicted) {
        logits[row] = rowLogits;
        predicted[row] = rowPredicted;
        int item = itemOfRow[row];
        return missing[item].decrementAndGet() == 0 ? item : -1;
    }
}
