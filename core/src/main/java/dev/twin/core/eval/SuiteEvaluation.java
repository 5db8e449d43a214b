package dev.twin.core.eval;

import dev.twin.core.train.Evaluation;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.StorageReport;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Bert;
import dev.twin.core.model.Params;
import dev.twin.core.router.RouterSession;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.tensor.WeightSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TWIN-MERGING.md's evaluation protocol on one suite: every method row scored on each task's test split with that
 * task's head, normalized by expert t on task t.
 */
public final class SuiteEvaluation {
    private static final String HEAD = Architecture.HEAD_REGEX;
    private static final long CACHE_BYTES = 2L << 30;

    private SuiteEvaluation() {
    }

    public static EvalReport run(TaskSuite suite, EvalConfig cfg, Path bundleDir, PrintStream log) {
        long t0 = System.nanoTime();
        Architecture arch = Architectures.create(suite.architecture());
        List<TaskData> tasks = suite.tasks();
        List<String> names = tasks.stream().map(TaskData::name).toList();
        SuiteModels models = SuiteModelCache.loadOrTrain(suite, log);
        WeightSet baseTrunk = models.base().filter(n -> !n.matches(HEAD));
        List<WeightSet> expertTrunks = new ArrayList<>();
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        for (String t : names) {
            expertTrunks.add(models.experts().get(t).filter(n -> !n.matches(HEAD)));
            heads.put(t, models.experts().get(t).filter(n -> n.matches(HEAD)));
        }
        long headBytes = 4 * heads.values().stream().mapToLong(WeightSet::numel).sum();
        long oneModelBytes = 4 * baseTrunk.numel() + headBytes;

        // a suite of large models may ask for fewer λ-selection items than the config allows
        int selection = Math.min(cfg.selectionItems(), suite.selectionItems());
        Map<String, MethodResult> rows = new LinkedHashMap<>();
        try (NDManager manager = DjlRuntime.newManager()) {
            Map<String, Map<String, NDArray>> headNd = new LinkedHashMap<>();
            heads.forEach((t, h) -> headNd.put(t, Params.toNd(manager, h)));

            log.println("scoring the experts, the base model and the static merges");
            Map<String, Double> expertAcc = new LinkedHashMap<>();
            Map<String, Double> expertValAcc = new LinkedHashMap<>();
            Map<String, Double> baseAcc = new LinkedHashMap<>();
            for (int i = 0; i < tasks.size(); i++) {
                TaskData t = tasks.get(i);
                Map<String, NDArray> expert = Params.toNd(manager, models.experts().get(t.name()));
                expertAcc.put(t.name(), Evaluation.accuracy(arch, expert, t.name(), t.test(), t.test().n()));
                expertValAcc.put(t.name(), Evaluation.accuracy(arch, expert, t.name(), t.validation(), selection));
            }
            Scoring scoring = new Scoring(arch, tasks, headNd, expertAcc, manager);
            rows.put("pretrained", scoring.staticRow(baseTrunk, oneModelBytes, "θ0 + head t"));
            long denseBytes = 0;
            for (String t : names) {
                denseBytes += 4 * models.experts().get(t).numel();
            }
            rows.put("fine-tuned", new MethodResult(expertAcc, scoring.normalize(expertAcc), 100.0, denseBytes,
                    "expert t on task t"));
            MergeOptions base = MergeOptions.defaults().withSeed(cfg.seed());
            WeightSet avg = MergeMethods.byName("average").merge(baseTrunk, expertTrunks, base);
            rows.put("average", scoring.staticRow(avg, oneModelBytes, ""));
            double taLambda = 0;
            for (String method : List.of("task-arithmetic", "ties", "dare-ta")) {
                MergeOptions opts = switch (method) {
                    case "ties" -> base.withDensity(cfg.tiesDensity());
                    case "dare-ta" -> base.withDensity(cfg.dareDensity());
                    default -> base;
                };
                StaticMergeSelection.Choice c = StaticMergeSelection.select(method, baseTrunk, expertTrunks, opts,
                        cfg.lambdaGrid(), arch, tasks, headNd, expertValAcc, selection, manager);
                if (method.equals("task-arithmetic")) {
                    taLambda = c.lambda();
                }
                String note = String.format("λ=%.1f (validation)%s", c.lambda(),
                        opts.density() == null ? "" : String.format(", density %.2f", opts.density()));
                rows.put(method, scoring.staticRow(c.merged(), oneModelBytes, note));
            }

            int rank = cfg.svdRank() != null ? cfg.svdRank() : suite.twinRank();
            TwinRecipe recipe = new TwinRecipe(cfg.sharedMethod(), taLambda, null, "svd", rank, null,
                    dev.twin.core.router.RouterConfig.defaults(), cfg.temperature(), cfg.seed());
            Bundle bundle = SuiteBundler.build(suite, models, recipe, bundleDir, log);
            StorageReport storage = bundle.manifest().storage();
            log.print(storage.describe());

            RouterScores router = RouterScores.score(bundle.routerOnnx(), tasks, cfg.temperature());
            log.printf("router accuracy on test inputs: %.4f%n", router.accuracy());
            TestStream stream = TestStream.shuffled(tasks, router.weights(), cfg.seed());
            try (Materializer mat = new Materializer(bundle.modules());
                 MergedCache cache = new MergedCache(mat, cacheEntries(oneModelBytes))) {
                String shared = String.format("θ* = %s λ=%.1f, svd rank %d", cfg.sharedMethod(), taLambda,
                        rank);
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
                Map<String, Double> exact;
                try (FactoredExperts factored = new FactoredExperts(bundle.modules())) {
                    exact = ExactEvaluation.run(arch, factored, headNd, tasks, stream, cfg.batchSize(), "exact");
                }
                String exactNote = shared + ", per request through the factored experts (0 materializations)";
                for (Variant v : variants) {
                    if (v.row().equals("twin") && perInputMaterializationIsCostly(arch)) {
                        // θ(w) per input of an encoder is one full-model materialization per text: the factored
                        // pass computes that θ(w) per row (FactoredExactnessTest), so it stands in for it
                        rows.put("twin", scoring.row(exact, storage.twinBytes(), exactNote));
                    } else {
                        DynamicEvaluation.Outcome o = DynamicEvaluation.run(arch, cache, headNd, tasks, stream,
                                v.strategy(), v.batch(), v.row());
                        String note = v.note() + String.format(" (%d materializations)", o.materializations());
                        rows.put(v.row(), scoring.row(o.accuracy(), storage.twinBytes(), note));
                    }
                    if (v.row().equals("twin")) {
                        rows.put("exact", scoring.row(exact, storage.twinBytes(), exactNote));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new EvalReport(suite.name(), names, router.accuracy(), bundle.routerOnnx().length, rows,
                    storage.ratioToDense(), seconds);
        }
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

    /** Turns accuracies into rows normalized by the experts. */
    private record Scoring(Architecture arch, List<TaskData> tasks, Map<String, Map<String, NDArray>> heads,
                           Map<String, Double> expertAcc, NDManager manager) {

        MethodResult staticRow(WeightSet trunk, long bytes, String note) {
            Map<String, Double> acc = new LinkedHashMap<>();
            try (NDManager scratch = manager.newSubManager()) {
                Map<String, NDArray> params = Params.toNd(scratch, trunk);
                for (TaskData t : tasks) {
                    Map<String, NDArray> withHead = new java.util.HashMap<>(params);
                    withHead.putAll(heads.get(t.name()));
                    acc.put(t.name(), Evaluation.accuracy(arch, withHead, t.name(), t.test(), t.test().n()));
                }
            }
            return row(acc, bytes, note);
        }

        MethodResult row(Map<String, Double> acc, long bytes, String note) {
            Map<String, Double> norm = normalize(acc);
            double avg = norm.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            return new MethodResult(acc, norm, avg, bytes, note);
        }

        Map<String, Double> normalize(Map<String, Double> acc) {
            Map<String, Double> norm = new LinkedHashMap<>();
            acc.forEach((t, a) -> norm.put(t, 100 * a / expertAcc.get(t))); // score / score of expert t × 100
            return norm;
        }
    }
}
