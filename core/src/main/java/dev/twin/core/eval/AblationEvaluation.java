package dev.twin.core.eval;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.StorageReport;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's ablations on one suite, as one table. Table 6: pretrained alone (θ0 + head t), the shared expert alone
 * (θ*), dynamic merging over θ0 instead of a shared expert (θ0 + Σt wt·v̂t with v̂t = compressed θt − θ0), shared
 * expert + dynamic merging (twin). Table 11: twin on top of each shared-expert method (average, task-arithmetic,
 * ties), beside that method's static row. Every dynamic row uses the router weights of the suite's twin bundle (the
 * router sees θ*'s features only, so the weights do not depend on what is merged) and runs through the factored
 * experts, compressed by SVD at the suite's rank.
 */
public final class AblationEvaluation {
    /** Shared-expert methods of Table 11, in the paper's order. */
    static final List<String> SHARED_METHODS = List.of("average", "task-arithmetic", "ties");

    private AblationEvaluation() {
    }

    public static EvalReport run(TaskSuite suite, EvalConfig cfg, Path bundleDir, PrintStream log) {
        long t0 = System.nanoTime();
        try (EvalContext ctx = EvalContext.open(suite, cfg, log)) {
            Map<String, StaticMergeSelection.Choice> merges = new LinkedHashMap<>();
            for (String m : SHARED_METHODS) {
                merges.put(m, ctx.merge(m));
            }
            StaticMergeSelection.Choice shared = merges.computeIfAbsent(cfg.sharedMethod(), ctx::merge);
            int rank = SuiteEvaluation.twinRank(suite, cfg);
            Bundle bundle = ctx.bundleReusing(ctx.recipe(cfg.sharedMethod(), shared.lambda(), "svd", rank, null),
                    bundleDir, shared.merged());
            StorageReport storage = bundle.manifest().storage();
            EvalContext.Routed routed = ctx.route(bundle.routerOnnx());

            Map<String, MethodResult> twinOver = new LinkedHashMap<>();
            for (String m : SHARED_METHODS) {
                String note = SuiteEvaluation.sharedNote(m, merges.get(m).lambda(), rank) + ", "
                        + SuiteEvaluation.EXACT_NOTE;
                if (m.equals(cfg.sharedMethod())) {
                    // the bundle's own modularization: the `exact` row of `twin eval`
                    twinOver.put(m, ctx.row(ctx.exact(bundle.modules(), routed.stream(), "twin over " + m),
                            storage.twinBytes(), note));
                } else {
                    Modularized mod = ctx.modularize(ctx.recipe(m, merges.get(m).lambda(), "svd", rank, null));
                    twinOver.put(m, ctx.exactRow(mod, routed.stream(), "twin over " + m, note));
                }
            }
            twinOver.computeIfAbsent(cfg.sharedMethod(), m -> ctx.row(ctx.exact(bundle.modules(), routed.stream(),
                    "twin over " + m), storage.twinBytes(), SuiteEvaluation.sharedNote(m, shared.lambda(), rank)
                    + ", " + SuiteEvaluation.EXACT_NOTE));
            // θ0 as a shared expert: task-arithmetic at λ = 0 is θ0 + 0·Στt = θ0 exactly, so vt = θt − θ0
            Modularized overBase = ctx.modularize(ctx.recipe("task-arithmetic", 0.0, "svd", rank, null));

            Map<String, MethodResult> rows = new LinkedHashMap<>();
            rows.put("pretrained", ctx.staticRow(ctx.baseTrunk, ctx.oneModelBytes, "Table 6: θ0 + head t"));
            rows.put("shared", ctx.staticRow(shared.merged(), ctx.oneModelBytes, "Table 6: θ* = "
                    + cfg.sharedMethod() + " " + ctx.note(cfg.sharedMethod(), shared) + " alone"));
            rows.put("dynamic-over-pretrained", ctx.exactRow(overBase, routed.stream(), "dynamic over θ0",
                    String.format("Table 6: θ0 + Σt wt·v̂t, v̂t = svd rank %d of θt − θ0, same router weights, %s",
                            rank, SuiteEvaluation.EXACT_NOTE)));
            rows.put("shared+dynamic", twinOver.get(cfg.sharedMethod()).withNote("Table 6: θ* + Σt wt·v̂t (twin), "
                    + twinOver.get(cfg.sharedMethod()).note()));
            for (String m : SHARED_METHODS) {
                StaticMergeSelection.Choice c = merges.get(m);
                rows.put(m, ctx.staticRow(c.merged(), ctx.oneModelBytes, "Table 11: static " + m + " "
                        + ctx.note(m, c)));
                rows.put("twin-over-" + m, twinOver.get(m).withNote("Table 11: " + twinOver.get(m).note()));
            }
            rows.put("fine-tuned", ctx.fineTunedRow());
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new EvalReport(suite.name(), ctx.names, routed.router().accuracy(), routed.routerBytes(), rows,
                    storage.ratioToDense(), seconds);
        }
    }
}
