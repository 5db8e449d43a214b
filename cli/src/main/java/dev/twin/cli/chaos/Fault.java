package dev.twin.cli.chaos;

import java.util.Locale;

/**
 * One fault of a chaos run: a part of the stack killed with SIGKILL, left dead for {@code downSeconds}, then started
 * again (the broker on its data directory and ports, a service with its jar, port and settings).
 */
public record Fault(Kind kind, int downSeconds) {
    /** What is killed; {@link #service()} is the stack's name of it. */
    public enum Kind {
        BROKER("broker"), ROUTER("router-service"), MERGER("merger-service"), EXECUTOR("executor-service");

        private final String service;

        Kind(String service) {
            this.service = service;
        }

        public String service() {
            return service;
        }
    }

    public Fault {
        if (downSeconds < 0) {
            throw new IllegalArgumentException("a fault's down time must not be negative, got " + downSeconds + " s");
        }
    }

    /** {@code broker:150}, {@code router}, {@code merger:5}, {@code executor}: the kind, then optional seconds dead. */
    public static Fault parse(String spec) {
        String[] parts = spec.trim().split(":", 2);
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0].trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault '" + parts[0] + "' in '" + spec
                    + "' (known: broker, router, merger, executor; optionally :SECONDS dead, e.g. broker:30)");
        }
        int down = 0;
        if (parts.length == 2) {
            try {
                down = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fault '" + spec + "': '" + parts[1] + "' is not a whole number "
                        + "of seconds");
            }
        }
        return new Fault(kind, down);
    }

    /** e.g. "broker SIGKILL, 30 s down". */
    public String label() {
        return kind.name().toLowerCase(Locale.ROOT) + " SIGKILL" + (downSeconds > 0 ? ", " + downSeconds + " s down"
                : "");
    }
}
