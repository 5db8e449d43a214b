package dev.twin.core.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep: one point per (method, x) setting, x being the density kept (compression sweep) or the number of merged
 * tasks (tasks sweep, several task subsets per x). {@code references} are rows drawn beside the curves (e.g. the
 * uncompressed twin); {@code denseBytes} is all T experts dense.
 */
public record SweepReport(String suite, String sweep, String xName, List<String> tasks, List<Point> points,
                          Map<String, MethodResult> references, long denseBytes, double routerAccuracy,
                          double seconds) {

    /** One setting's row; {@code tasks} are the tasks merged (a subset in the tasks sweep). */
    public record Point(String method, double x, List<String> tasks, MethodResult result) {
    }

    /** Method → x → mean of the points' average normalized score (over task subsets where there are several). */
    public Map<String, TreeMap<Double, Double>> means() {
        Map<String, TreeMap<Double, double[]>> sums = new LinkedHashMap<>();
        for (Point p : points) {
            double[] s = sums.computeIfAbsent(p.method(), k -> new TreeMap<>())
                    .computeIfAbsent(p.x(), k -> new double[2]);
            s[0] += p.result().avg();
            s[1]++;
        }
        Map<String, TreeMap<Double, Double>> out = new LinkedHashMap<>();
        sums.forEach((m, xs) -> {
            TreeMap<Double, Double> mean = new TreeMap<>();
            xs.forEach((x, s) -> mean.put(x, s[0] / s[1]));
            out.put(m, mean);
        });
        return out;
    }
}
