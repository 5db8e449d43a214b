package dev.twin.core.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The evaluation as a console/markdown table, DESIGN.md's JSON, and a PNG bar chart of normalized scores. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /**
     * {"suite", "tasks", "router":{"accuracy","bytes"},
     * "methods":{M:{"avg","se_avg","normalized","se","accuracy","storage_bytes"}}}
     */
    public static void writeJson(EvalReport r, Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("suite", r.suite());
        root.putArray("tasks").addAll(r.tasks().stream().map(JSON.getNodeFactory()::textNode).toList());
        ObjectNode router = root.putObject("router");
        router.put("accuracy", r.routerAccuracy());
        router.put("bytes", r.routerBytes());
        ObjectNode methods = root.putObject("methods");
        for (String m : ordered(r)) {
            MethodResult mr = r.methods().get(m);
            ObjectNode node = methods.putObject(m);
            node.put("avg", mr.avg());
            node.put("se_avg", mr.seAvg());
            ObjectNode norm = node.putObject("normalized");
            mr.normalized().forEach(norm::put);
            ObjectNode se = node.putObject("se");
            mr.se().forEach(se::put);
            ObjectNode acc = node.putObject("accuracy");
            mr.accuracy().forEach(acc::put);
            node.put("storage_bytes", mr.storageBytes());
        }
        try {
            createParent(file);
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A markdown table: one row per method, normalized score per task ± its standard error, average ± its standard
     * error, storage; then the notes.
     */
    public static String markdown(EvalReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| method |");
        r.tasks().forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append(" avg | storage (MB) |\n|---|");
        r.tasks().forEach(t -> sb.append("---:|"));
        sb.append("---:|---:|\n");
        for (String m : ordered(r)) {
            MethodResult mr = r.methods().get(m);
            sb.append("| ").append(m).append(" |");
            r.tasks().forEach(t -> sb.append(String.format(" %.1f ±%.1f |", mr.normalized().get(t), mr.se().get(t))));
            sb.append(String.format(" **%.2f** ±%.2f | %.2f |%n", mr.avg(), mr.seAvg(), mr.storageBytes() / 1e6));
        }
        sb.append(String.format("%nRouter accuracy (which task an input came from, test): %.2f%%; router.onnx %.2f MB "
                + "(apart from storage). Twin storage = %.1f%% of all experts dense.%n", 100 * r.routerAccuracy(),
                r.routerBytes() / 1e6, 100 * r.storageRatio()));
        sb.append(String.format("Expert accuracies (fine-tuned row, test):"));
        MethodResult ft = r.methods().get("fine-tuned");
        r.tasks().forEach(t -> sb.append(String.format(" %s %.2f%%", t, 100 * ft.accuracy().get(t))));
        sb.append(".\nScores ± one standard error of the test sampling (√(p(1−p)/n) per task, expert accuracy taken as"
                + " fixed).\n\nSettings:\n");
        for (String m : ordered(r)) {
            String note = r.methods().get(m).note();
            if (note != null && !note.isBlank()) {
                sb.append("- ").append(m).append(": ").append(note).append('\n');
            }
        }
        return sb.toString();
    }

    /** A plain-text table for the terminal. */
    public static String console(EvalReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-16s", "method"));
        r.tasks().forEach(t -> sb.append(String.format(" %8.8s", t)));
        sb.append(String.format(" %8s %6s %12s%n", "avg", "±se", "storage MB"));
        for (String m : ordered(r)) {
            MethodResult mr = r.methods().get(m);
            sb.append(String.format("%-16s", m));
            r.tasks().forEach(t -> sb.append(String.format(" %8.2f", mr.normalized().get(t))));
            sb.append(String.format(" %8.2f %6.2f %12.2f%n", mr.avg(), mr.seAvg(), mr.storageBytes() / 1e6));
        }
        sb.append(String.format("router accuracy %.4f, router.onnx %,d B; twin storage %.1f%% of all experts dense; "
                + "%.0f s%n", r.routerAccuracy(), r.routerBytes(), 100 * r.storageRatio(), r.seconds()));
        return sb.toString();
    }

    /** Grouped bar chart: one series per method, one category per task plus the average. */
    public static void writeChart(EvalReport r, Path png) {
        List<String> cats = new ArrayList<>(r.tasks());
        cats.add("avg");
        CategoryChart chart = new CategoryChartBuilder().width(1400).height(600)
                .title("Twin-Merging on " + r.suite() + ": normalized score (expert = 100)")
                .xAxisTitle("task").yAxisTitle("normalized score").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(110.0);
        for (String m : ordered(r)) {
            MethodResult mr = r.methods().get(m);
            List<Double> ys = new ArrayList<>();
            r.tasks().forEach(t -> ys.add(mr.normalized().get(t)));
            ys.add(mr.avg());
            chart.addSeries(m, cats, ys);
        }
        try {
            createParent(png);
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot write chart: " + e.getMessage(), e);
        }
    }

    /** Rows in the order the evaluation made them (the protocol's order for {@code twin eval}). */
    private static List<String> ordered(EvalReport r) {
        return List.copyOf(r.methods().keySet());
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
