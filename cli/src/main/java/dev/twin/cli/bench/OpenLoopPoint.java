package dev.twin.cli.bench;

import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficResult;

/**
 * What one open-loop point measured: the target, the achieved answer rate (answers over the span from the first due
 * request to the last answer) and latency percentiles counted from each request's due time; absent when skipped.
 */
public record OpenLoopPoint(String strategy, OpenLoopTarget target, int answered, double achievedPerSecond,
                            double p50Ms, double p99Ms, double p999Ms) {

    public static OpenLoopPoint measured(String strategy, OpenLoopTarget target, TrafficResult r) {
        double[] lat = r.latenciesMs();
        return new OpenLoopPoint(strategy, target, r.answers().size(), r.throughput(),
                TrafficReport.percentile(lat, 50), TrafficReport.percentile(lat, 99),
                TrafficReport.percentile(lat, 99.9));
    }

    public static OpenLoopPoint skipped(String strategy, OpenLoopTarget target) {
        return new OpenLoopPoint(strategy, target, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public boolean ran() {
        return target.runs();
    }
}
