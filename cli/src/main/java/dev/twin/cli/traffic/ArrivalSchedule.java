package dev.twin.cli.traffic;

/**
 * When each request of a traffic run is due: a closed loop (as soon as a slot is free) or an open loop at a fixed
 * arrival rate, request k due k / rate seconds after the start (evenly spaced, so runs repeat exactly).
 */
public record ArrivalSchedule(double ratePerSecond) {
    public static final ArrivalSchedule CLOSED_LOOP = new ArrivalSchedule(0);

    public ArrivalSchedule {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("arrival rate must be finite and not negative, got " + ratePerSecond);
        }
    }

    /** An open loop at {@code ratePerSecond} (> 0). */
    public static ArrivalSchedule openLoop(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("an open loop needs a positive arrival rate, got " + ratePerSecond);
        }
        return new ArrivalSchedule(ratePerSecond);
    }

    public boolean isOpen() {
        return ratePerSecond > 0;
    }

    /** Nanoseconds from the start until request {@code k} (0-based) is due: k / rate s; 0 in a closed loop. */
    public long offsetNanos(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("request index must not be negative, got " + k);
        }
        return isOpen() ? Math.round(k * 1e9 / ratePerSecond) : 0;
    }
}
