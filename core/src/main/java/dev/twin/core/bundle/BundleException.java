package dev.twin.core.bundle;

/** A bundle directory that cannot be read: the message names the file and the problem. */
public class BundleException extends RuntimeException {
    public BundleException(String message) {
        super(message);
    }
}
