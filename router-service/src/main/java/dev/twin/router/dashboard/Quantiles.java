package dev.twin.router.dashboard;

import java.util.Map;
import java.util.TreeMap;

/** Quantiles of the observations that fell into a Prometheus histogram between two scrapes. */
final class Quantiles {
    private Quantiles() {
    }

    /**
     * The q-quantile of the bucket increments {@code now − before} (cumulative counts by upper bound), interpolated
     * linearly inside the bucket that holds it, as PromQL's histogram_quantile does; NaN without observations. A
     * quantile in the +Inf bucket is reported as the largest finite bound.
     */
    static double of(double q, TreeMap<Double, Double> before, TreeMap<Double, Double> now) {
        double total = delta(now, before, Double.POSITIVE_INFINITY);
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> b : now.entrySet()) {
            double upper = b.getKey();
            double count = delta(now, before, upper);
            if (count >= rank) {
                if (Double.isInfinite(upper)) {
                    return lower;
                }
                double inBucket = count - below;
                return inBucket <= 0 ? upper : lower + (upper - lower) * (rank - below) / inBucket;
            }
            lower = upper;
            below = count;
        }
        return lower;
    }

    private static double delta(TreeMap<Double, Double> now, TreeMap<Double, Double> before, double le) {
        return now.getOrDefault(le, 0.0) - before.getOrDefault(le, 0.0);
    }
}
