package dev.twin.core.eval;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.merge.Density;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's Figure 6: twin's normalized score and storage as the exclusive experts are compressed harder, for each
 * compression method at each density kept (svd: rank max(1, floor(density·min(m, n))) per tensor). The shared
 * expert, its λ (validation) and the router weights are those of the suite's twin bundle; only the compression of
 * vt = θt − θ* changes, so every point is scored on the same routed test stream through the factored experts.
 */
public final class CompressionSweep {
    /** The paper's range: 0.5% to 50% kept. */
    public static final List<Double> DENSITIES = List.of(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5);
    public static final List<String> METHODS = List.of("svd", "magnitude", "bernoulli");

    private CompressionSweep() {
    }

    public static SweepReport run(TaskSuite suite, EvalConfig cfg, List<String> methods, List<Double> densities,
                                  Path bundleDir, PrintStream log) {
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException("unknown compression '" + m + "' (known: " + METHODS + ")");
            }
        }
        if (densities.isEmpty()) {
            throw new IllegalArgumentException("the compression sweep needs at least one density");
        }
        densities.forEach(d -> Density.check(d, "sweep density"));
        long t0 = System.nanoTime();
        try (EvalContext ctx = EvalContext.open(suite, cfg, log)) {
            StaticMergeSelection.Choice shared = ctx.merge(cfg.sharedMethod());
            int rank = SuiteEvaluation.twinRank(suite, cfg);
            Bundle bundle = ctx.bundleReusing(ctx.recipe(cfg.sharedMethod(), shared.lambda(), "svd", rank, null),
                    bundleDir, shared.merged());
            EvalContext.Routed routed = ctx.route(bundle.routerOnnx());
            String sharedNote = String.format("θ* = %s %s", cfg.sharedMethod(), ctx.note(cfg.sharedMethod(), shared));

            List<SweepReport.Point> points = new ArrayList<>();
            for (String method : methods) {
                for (double d : densities) {
                    Modularized m = ctx.modularize(ctx.recipe(cfg.sharedMethod(), shared.lambda(), method, null, d));
                    String note = sharedNote + ", " + method + (method.equals("svd")
                            ? " rank max(1, floor(" + d + "·min(m, n))) per tensor" : " density " + d);
                    points.add(new SweepReport.Point(method, d, ctx.names,
                            ctx.exactRow(m, routed.stream(), method + " " + d, note)));
                }
            }
            Map<String, MethodResult> refs = new LinkedHashMap<>();
            Modularized full = ctx.modularize(ctx.recipe(cfg.sharedMethod(), shared.lambda(), "none", null, null));
            refs.put("twin-uncompressed", ctx.exactRow(full, routed.stream(), "uncompressed",
                    sharedNote + ", exclusive experts dense"));
            refs.put("shared", ctx.staticRow(shared.merged(), ctx.oneModelBytes, sharedNote + " alone"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new SweepReport(suite.name(), "compression", "density", ctx.names, points, refs, ctx.denseBytes,
                    routed.router().accuracy(), seconds);
        }
    }
}
