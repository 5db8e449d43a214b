package dev.twin.core.eval;

import java.util.Collection;

/**
 * Sampling error of the table's scores over a finite test split. An accuracy p measured on n independent test items
 * has standard error √(p(1−p)/n); a normalized score 100·p/pₜ (pₜ the expert's accuracy, taken as fixed) has
 * 100·√(p(1−p)/n)/pₜ; the average of T tasks' scores, measured on disjoint items, has √(Σ seₜ²)/T.
 */
public final class StandardError {
    private StandardError() {
    }

    /** se(p) = √(p(1−p)/n). */
    public static double ofAccuracy(double p, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("standard error needs at least one test item, got n = " + n);
        }
        return Math.sqrt(p * (1 - p) / n);
    }

    /** se(100·p/pₜ) = 100·se(p)/pₜ. */
    public static double ofNormalized(double p, int n, double expertAccuracy) {
        return 100 * ofAccuracy(p, n) / expertAccuracy;
    }

    /** se of the mean of independent scores: √(Σ seₜ²)/T. */
    public static double ofMean(Collection<Double> ses) {
        double sum = 0;
        for (double s : ses) {
            sum += s * s;
        }
        return Math.sqrt(sum) / ses.size();
    }
}
