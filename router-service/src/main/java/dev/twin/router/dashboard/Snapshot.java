package dev.twin.router.dashboard;

import dev.twin.router.dashboard.PromText.Sample;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The samples of every scraped source at one instant (epoch ms), with sums over sources and label breakdowns. */
public record Snapshot(long timeMs, Map<String, List<Sample>> sources) {

    /** Σ of the samples named {@code name} that {@code which} accepts, over every source. */
    public double sum(String name, Predicate<Sample> which) {
        double s = 0;
        for (List<Sample> samples : sources.values()) {
            s += sum(samples, name, which);
        }
        return s;
    }

    public double sum(String name) {
        return sum(name, x -> true);
    }

    /** Σ over one source's samples. */
    public static double sum(List<Sample> samples, String name, Predicate<Sample> which) {
        double s = 0;
        for (Sample x : samples) {
            if (x.name().equals(name) && which.test(x) && Double.isFinite(x.value())) {
                s += x.value();
            }
        }
        return s;
    }

    /** Σ by the value of {@code label}, over every source (label values sorted). */
    public Map<String, Double> byLabel(String name, String label, Predicate<Sample> which) {
        Map<String, Double> out = new TreeMap<>();
        for (List<Sample> samples : sources.values()) {
            for (Sample x : samples) {
                if (x.name().equals(name) && which.test(x) && Double.isFinite(x.value())) {
                    out.merge(x.label(label), x.value(), Double::sum);
                }
            }
        }
        return out;
    }

    /** A histogram's cumulative bucket counts by upper bound ({@code le}), summed over every source. */
    public TreeMap<Double, Double> buckets(String histogram, Predicate<Sample> which) {
        TreeMap<Double, Double> out = new TreeMap<>();
        for (List<Sample> samples : sources.values()) {
            for (Sample x : samples) {
                if (x.name().equals(histogram + "_bucket") && which.test(x)) {
                    String le = x.label("le");
                    out.merge("+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le), x.value(),
                            Double::sum);
                }
            }
        }
        return out;
    }
}
