package dev.twin.merger.cache;

/** A cache value that knows its memory cost and frees its memory when closed. */
public interface Sized extends AutoCloseable {
    /** Bytes this value holds. */
    long bytes();

    @Override
    void close();
}
