package dev.twin.cli.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One open-loop point to run for a strategy: an arrival rate given as a fraction of a saturation rate (the static
 * strategy's closed-loop throughput, or the strategy's own), and how many requests make it last about the asked time.
 * A point far above the strategy's own saturation is not run: its queue, and so its latency, would only grow with
 * the length of the run, which says nothing more than the closed loop does.
 */
public record OpenLoopTarget(String basis, double fraction, double ratePerSecond, int requests, String skipped) {
    public static final String STATIC = "static";
    public static final String OWN = "own";

    public boolean runs() {
        return skipped == null;
    }

    /**
     * The points of one strategy: {@code fractions} of the static saturation, then {@code ownFraction} of its own
     * (none when 0). {@code seconds} sets the requests per point (at least {@code minRequests}); a rate above
     * {@code maxOverload} × own saturation is skipped with the reason.
     */
    public static List<OpenLoopTarget> plan(double staticSaturation, double ownSaturation, List<Double> fractions,
                                            double ownFraction, double seconds, int minRequests, double maxOverload) {
        if (!(staticSaturation > 0) || !(ownSaturation > 0)) {
            throw new IllegalArgumentException("saturation rates must be positive, got static " + staticSaturation
                    + " and own " + ownSaturation + " answers/s");
        }
        if (!(seconds > 0) || minRequests < 1 || !(maxOverload > 0) || ownFraction < 0) {
            throw new IllegalArgumentException("open loop needs positive seconds, minimum requests and overload bound"
                    + " and a non-negative own fraction");
        }
        List<OpenLoopTarget> out = new ArrayList<>();
        for (double f : fractions) {
            out.add(target(STATIC, f, f * staticSaturation, ownSaturation, seconds, minRequests, maxOverload));
        }
        if (ownFraction > 0) {
            out.add(target(OWN, ownFraction, ownFraction * ownSaturation, ownSaturation, seconds, minRequests,
                    maxOverload));
        }
        return out;
    }

    /**
     * The order to run {@code plan} in: by rate, lowest first. A point above saturation leaves the stack queued up,
     * its heap full of the backlog and its error paths freshly compiled; a point run after it measured that, not its
     * own rate (1 Dec 2026: static at 1,134/s had p99 118.7 ms before the 100% point and 522.0 ms right after it).
     */
    public static List<OpenLoopTarget> runOrder(List<OpenLoopTarget> plan) {
        return plan.stream().sorted(Comparator.comparingDouble(OpenLoopTarget::ratePerSecond)).toList();
    }

    private static OpenLoopTarget target(String basis, double fraction, double rate, double own, double seconds,
                                         int minRequests, double maxOverload) {
        if (!(fraction > 0)) {
            throw new IllegalArgumentException("open-loop fractions must be positive, got " + fraction);
        }
        int n = (int) Math.max(minRequests, Math.round(rate * seconds));
        String skipped = rate > maxOverload * own ? String.format(java.util.Locale.ROOT,
                "%.1f/s is above %.2f× this strategy's saturation (%.1f/s)", rate, maxOverload, own) : null;
        return new OpenLoopTarget(basis, fraction, rate, n, skipped);
    }
}
