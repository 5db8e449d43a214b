package dev.twin.cli.bench;

import dev.twin.cli.traffic.TrafficReport;
import dev.twin.cli.traffic.TrafficResult;
import java.util.Arrays;
import java.util.List;

/**
 * What one open-loop point measured: the target, the achieved answer rate (answers over the span from the first due
 * request to the last answer) and latency percentiles counted from each request's due time; absent when skipped.
 */
public record OpenLoopPoint(String strategy, OpenLoopTarget target, int answered, double achievedPerSecond,
                            double p50Ms, double p99Ms, double p999Ms) {

    /**
     * The point over one or more runs of it (rounds of an interleaved bench): the latencies of all of them pooled,
     * the achieved rate as all answers over the runs' summed spans.
     */
    public static OpenLoopPoint measured(String strategy, OpenLoopTarget target, List<TrafficResult> runs) {
        double[] lat = runs.stream().flatMapToDouble(r -> Arrays.stream(r.latenciesMs())).toArray();
        int answered = runs.stream().mapToInt(r -> r.answers().size()).sum();
        double seconds = runs.stream().mapToDouble(TrafficResult::seconds).sum();
        return new OpenLoopPoint(strategy, target, answered, answered / seconds,
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
