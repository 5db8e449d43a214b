package dev.twin.executor.weights;

/** A row of the installed-set listing: the key and the number of float values it holds. */
public record Installed(String key, long values) {
}
