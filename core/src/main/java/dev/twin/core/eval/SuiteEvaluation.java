package dev.twin.core.eval;

import ai.djl.ndarray.NDArray;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.StorageReport;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Bert;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TWIN-MERGING.md's evaluation protocol on one suite: every method row scored on each task's test split with that
 * task's head, normalized by expert t on task t.
 */
public final class SuiteEvaluation {
    private static final long CACHE_BYTES = 2L << 30;

    private SuiteEvaluation() {
    }

    public static EvalReport run(TaskSuite suite, EvalConfig cfg, Path bundleDir, PrintStream log) {
        long t0 = System.nanoTime();
        try (EvalContext ctx = EvalContext.open(suite, cfg, log)) {
            Map<String, MethodResult> rows = new LinkedHashMap<>();
            log.println("scoring the base model and the static merges");
            rows.put("pretrained", ctx.staticRow(ctx.baseTrunk, ctx.oneModelBytes, "θ0 + head t"));
            rows.put("fine-tuned", ctx.fineTunedRow());
            double taLambda = 0;
            for (String method : STATIC_METHODS) {
                StaticMergeSelection.Choice c = ctx.merge(method);
                if (method.equals("task-arithmetic")) {
                    taLambda = c.lambda();
                }
                rows.put(method, ctx.staticRow(c.merged(), ctx.oneModelBytes, ctx.note(method, c)));
            }

            int rank = twinRank(suite, cfg);
            Bundle bundle = ctx.bundle(ctx.recipe(cfg.sharedMethod(), taLambda, "svd", rank, null), bundleDir);
            StorageReport storage = bundle.manifest().storage();
            log.print(storage.describe());

            EvalContext.Routed routed = ctx.route(bundle.routerOnnx());
            TestStream stream = routed.stream();
            Architecture arch = ctx.arch;
            List<TaskData> tasks = ctx.tasks;
            Map<String, Map<String, NDArray>> headNd = ctx.heads;
            try (Materializer mat = new Materializer(bundle.modules());
                 MergedCache cache = new MergedCache(mat, cacheEntries(ctx.oneModelBytes))) {
                String shared = sharedNote(cfg.sharedMethod(), taLambda, rank);
                record Variant(String row, GroupingStrategy strategy, int batch, String note) {
                }
                List<Variant> variants = List.of(
                        new Variant("twin", GroupingStrategies.create("per-request", cfg.groupK(), cfg.latticeTopK(),
                                cfg.latticeQ(), cfg.seed()), cfg.batchSize(), shared + ", per request"),
                        new Variant("twin-group", GroupingStrategies.create("group", cfg.groupK(), cfg.latticeTopK(),
                                cfg.latticeQ(), cfg.seed()), cfg.batchSize(),
                                shared + ", k=" + cfg.groupK() + " groups per batch of " + cfg.batchSize()),
                        new Variant("twin-lattice", GroupingStrategies.create("lattice", cfg.groupK(),
                                cfg.latticeTopK(), cfg.latticeQ(), cfg.seed()), cfg.batchSize(),
                                shared + ", top-" + cfg.latticeTopK() + " on a 1/" + cfg.latticeQ() + " grid"),
                        new Variant("top1", GroupingStrategies.create("top1", cfg.groupK(), cfg.latticeTopK(),
                                cfg.latticeQ(), cfg.seed()), cfg.batchSize(), shared + ", argmax expert"));
                Map<String, Double> exact = ctx.exact(bundle.modules(), stream, "exact");
                String exactNote = shared + ", " + EXACT_NOTE;
                for (Variant v : variants) {
                    if (v.row().equals("twin") && perInputMaterializationIsCostly(arch)) {
                        // θ(w) per input of an encoder is one full-model materialization per text: the factored
                        // pass computes that θ(w) per row (FactoredExactnessTest), so it stands in for it
                        rows.put("twin", ctx.row(exact, storage.twinBytes(), exactNote));
                    } else {
                        DynamicEvaluation.Outcome o = DynamicEvaluation.run(arch, cache, headNd, tasks, stream,
                                v.strategy(), v.batch(), v.row());
                        String note = v.note() + String.format(" (%d materializations)", o.materializations());
                        rows.put(v.row(), ctx.row(o.accuracy(), storage.twinBytes(), note));
                    }
                    if (v.row().equals("twin")) {
                        rows.put("exact", ctx.row(exact, storage.twinBytes(), exactNote));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new EvalReport(suite.name(), ctx.names, routed.router().accuracy(), routed.routerBytes(), rows,
                    storage.ratioToDense(), seconds);
        }
    }

    /** The static merges of the protocol, in its order (pretrained and fine-tuned apart). */
    static final List<String> STATIC_METHODS = List.of("average", "task-arithmetic", "ties", "dare-ta");
    static final String EXACT_NOTE = "per request through the factored experts (0 materializations)";

    /** SVD rank of the exclusive experts: the config's when set, else the suite's. */
    static int twinRank(TaskSuite suite, EvalConfig cfg) {
        return cfg.svdRank() != null ? cfg.svdRank() : suite.twinRank();
    }

    static String sharedNote(String method, double lambda, int rank) {
        return String.format("θ* = %s λ=%.1f, svd rank %d", method, lambda, rank);
    }

    /** Text encoders: materializing θ(w) for every input would dominate the evaluation. */
    private static boolean perInputMaterializationIsCostly(Architecture arch) {
        return arch instanceof Bert;
    }

    /**
     * Merged weight sets kept at once: 64, or fewer when 64 models would pass {@link #CACHE_BYTES} (a 22M-parameter
     * encoder is 91 MB per merged set).
     */
    static int cacheEntries(long modelBytes) {
        return (int) Math.max(1, Math.min(64, CACHE_BYTES / Math.max(1, modelBytes)));
    }
}
