package dev.twin.merger.kafka;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which items of a routed record have their outcome (a result, or a dead letter with an error result): each item gets
 * exactly one, whichever attempt of the record (a coalesced call, a redo alone) settles it first.
 */
final class ItemOutcomes {
    private final AtomicIntegerArray claimed;

    ItemOutcomes(int items) {
        this.claimed = new AtomicIntegerArray(items);
    }

    /** True for the one caller that may write item's outcome. */
    boolean claim(int item) {
        return claimed.compareAndSet(item, 0, 1);
    }
}
