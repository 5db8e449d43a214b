package dev.twin.core.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A sweep as JSON, a markdown table, a console table and a PNG line chart (mean normalized score against x). */
public final class SweepWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepWriter() {
    }

    /**
     * {"suite", "sweep", "tasks", "router":{"accuracy"}, "dense_bytes", "points":[{"method", X, "tasks", "avg",
     * "normalized", "accuracy", "storage_bytes"}], "mean":{M:{X:avg}}, "references":{R:{...}}} with X the sweep's
     * x name ("density" or "merged_tasks").
     */
    public static void writeJson(SweepReport r, Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("suite", r.suite());
        root.put("sweep", r.sweep());
        root.putArray("tasks").addAll(r.tasks().stream().map(JSON.getNodeFactory()::textNode).toList());
        root.putObject("router").put("accuracy", r.routerAccuracy());
        root.put("dense_bytes", r.denseBytes());
        ArrayNode points = root.putArray("points");
        for (SweepReport.Point p : r.points()) {
            ObjectNode node = points.addObject();
            node.put("method", p.method());
            node.put(r.xName(), p.x());
            node.putArray("tasks").addAll(p.tasks().stream().map(JSON.getNodeFactory()::textNode).toList());
            row(node, p.result());
        }
        ObjectNode mean = root.putObject("mean");
        r.means().forEach((m, xs) -> {
            ObjectNode node = mean.putObject(m);
            xs.forEach((x, v) -> node.put(label(x), v));
        });
        ObjectNode refs = root.putObject("references");
        r.references().forEach((name, res) -> row(refs.putObject(name), res));
        try {
            ReportWriter.createParent(file);
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static void row(ObjectNode node, MethodResult res) {
        node.put("avg", res.avg());
        ObjectNode norm = node.putObject("normalized");
        res.normalized().forEach(norm::put);
        ObjectNode acc = node.putObject("accuracy");
        res.accuracy().forEach(acc::put);
        node.put("storage_bytes", res.storageBytes());
    }

    /** One line per point: method, x, merged tasks, normalized per task, average, storage; then the references. */
    public static String markdown(SweepReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| method | ").append(r.xName()).append(" | tasks |");
        r.tasks().forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append(" avg | storage (MB) | storage / dense |\n|---|---:|---|");
        r.tasks().forEach(t -> sb.append("---:|"));
        sb.append("---:|---:|---:|\n");
        for (SweepReport.Point p : r.points()) {
            line(sb, r, p.method(), label(p.x()), p.tasks().size() == r.tasks().size() ? "all"
                    : String.join(", ", p.tasks()), p.result());
        }
        r.references().forEach((name, res) -> line(sb, r, name, "", "all", res));
        sb.append("\nMean average normalized score per ").append(r.xName()).append(":\n\n| method |");
        TreeMap<Double, Boolean> xs = new TreeMap<>();
        r.points().forEach(p -> xs.put(p.x(), true));
        xs.keySet().forEach(x -> sb.append(' ').append(label(x)).append(" |"));
        sb.append("\n|---|");
        xs.keySet().forEach(x -> sb.append("---:|"));
        sb.append('\n');
        r.means().forEach((m, means) -> {
            sb.append("| ").append(m).append(" |");
            xs.keySet().forEach(x -> sb.append(means.containsKey(x) ? String.format(" %.2f |", means.get(x)) : " |"));
            sb.append('\n');
        });
        sb.append(String.format("%nRouter accuracy (test): %.2f%%. All experts dense: %.2f MB.%n",
                100 * r.routerAccuracy(), r.denseBytes() / 1e6));
        List<String> notes = new ArrayList<>();
        r.points().forEach(p -> {
            String n = p.method() + " at " + label(p.x()) + ": " + p.result().note();
            if (p.result().note() != null && !p.result().note().isBlank() && !notes.contains(n)) {
                notes.add(n);
            }
        });
        r.references().forEach((name, res) -> notes.add(name + ": " + res.note()));
        sb.append("\nSettings:\n");
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    private static void line(StringBuilder sb, SweepReport r, String method, String x, String tasks, MethodResult res) {
        sb.append("| ").append(method).append(" | ").append(x).append(" | ").append(tasks).append(" |");
        r.tasks().forEach(t -> sb.append(res.normalized().containsKey(t)
                ? String.format(" %.1f |", res.normalized().get(t)) : " |"));
        sb.append(String.format(" **%.2f** | %.3f | %.1f%% |%n", res.avg(), res.storageBytes() / 1e6,
                100.0 * res.storageBytes() / Math.max(1, r.denseBytes())));
    }

    /** The mean curve of every method, for the terminal. */
    public static String console(SweepReport r) {
        StringBuilder sb = new StringBuilder();
        TreeMap<Double, Boolean> xs = new TreeMap<>();
        r.points().forEach(p -> xs.put(p.x(), true));
        sb.append(String.format("%-18s", r.sweep() + " / " + r.xName()));
        xs.keySet().forEach(x -> sb.append(String.format(" %8s", label(x))));
        sb.append('\n');
        r.means().forEach((m, means) -> {
            sb.append(String.format("%-18s", m));
            xs.keySet().forEach(x -> sb.append(means.containsKey(x) ? String.format(" %8.2f", means.get(x))
                    : String.format(" %8s", "")));
            sb.append('\n');
        });
        r.references().forEach((name, res) -> sb.append(String.format("%-18s %8.2f (reference)%n", name,
                res.avg())));
        sb.append(String.format("router accuracy %.4f; %d points; %.0f s%n", r.routerAccuracy(), r.points().size(),
                r.seconds()));
        return sb.toString();
    }

    /** Mean average normalized score against x, one line per method; references as flat dashed lines. */
    public static void writeChart(SweepReport r, Path png, boolean logX) {
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title("Twin-Merging on " + r.suite() + ": " + r.sweep() + " sweep (expert = 100)")
                .xAxisTitle(r.xName()).yAxisTitle("average normalized score").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisMax(110.0);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, TreeMap<Double, Double>> e : r.means().entrySet()) {
            List<Double> x = new ArrayList<>(e.getValue().keySet());
            List<Double> y = new ArrayList<>(e.getValue().values());
            chart.addSeries(e.getKey(), x, y);
            lo = Math.min(lo, x.get(0));
            hi = Math.max(hi, x.get(x.size() - 1));
        }
        for (Map.Entry<String, MethodResult> e : r.references().entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), List.of(lo, hi), List.of(e.getValue().avg(), e.getValue().avg()));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
        try {
            ReportWriter.createParent(png);
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot write chart: " + e.getMessage(), e);
        }
    }

    /** 0.005 → "0.005", 3.0 → "3". */
    static String label(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }
}
