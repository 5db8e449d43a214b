package dev.twin.router.metrics;

import java.util.Locale;

/** How a request reached the router; the {@code channel} tag of its meters. */
public enum Channel {
    REST, GRPC, KAFKA;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
