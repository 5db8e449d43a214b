package dev.twin.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.BundleWriter;
import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.router.RouterConfig;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.train.Evaluation;
import dev.twin.core.tensor.WeightSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every evaluation of a suite starts from: the trained models, the heads on an NDManager, each expert's test and
 * validation accuracy (the normalizers), and the pieces the rows are made of — static rows, static merges with λ
 * picked on validation, modularizations, bundles, the routed test stream and its factored ("exact") scoring.
 * {@link #subset(List)} restricts it to some of the tasks (the tasks sweep) without retraining or rescoring experts.
 */
final class EvalContext implements AutoCloseable {
    private static final String HEAD = Architecture.HEAD_REGEX;

    final TaskSuite suite;
    final EvalConfig cfg;
    final PrintStream log;
    final Architecture arch;
    final List<TaskData> tasks;
    final List<String> names;
    final SuiteModels models;
    final WeightSet baseTrunk;
    final List<WeightSet> expertTrunks;
    final Map<String, Map<String, NDArray>> heads;
    final Map<String, Double> expertAcc;
    final Map<String, Double> expertValAcc;
    /** Validation items per task that select λ (a suite of large models may ask for fewer than the config). */
    final int selection;
    /** θ0's trunk plus every head: what one static model stores. */
    final long oneModelBytes;
    /** All experts dense, heads included. */
    final long denseBytes;
    private final NDManager manager;
    private final boolean owner;

    private EvalContext(TaskSuite suite, EvalConfig cfg, PrintStream log, Architecture arch, SuiteModels models,
                        Map<String, Map<String, NDArray>> heads, Map<String, Double> expertAcc,
                        Map<String, Double> expertValAcc, NDManager manager, boolean owner) {
        this.suite = suite;
        this.cfg = cfg;
        this.log = log;
        this.arch = arch;
        this.tasks = suite.tasks();
        this.names = tasks.stream().map(TaskData::name).toList();
        this.models = models;
        this.baseTrunk = models.base().filter(n -> !n.matches(HEAD));
        this.expertTrunks = new ArrayList<>();
        long headBytes = 0;
        long dense = 0;
        for (String t : names) {
            expertTrunks.add(models.expert(t).filter(n -> !n.matches(HEAD)));
            headBytes += 4 * models.expert(t).filter(n -> n.matches(HEAD)).numel();
            dense += 4 * models.expert(t).numel();
        }
        this.heads = heads;
        this.expertAcc = expertAcc;
        this.expertValAcc = expertValAcc;
        this.selection = Math.min(cfg.selectionItems(), suite.selectionItems());
        this.oneModelBytes = 4 * baseTrunk.numel() + headBytes;
        this.denseBytes = dense;
        this.manager = manager;
        this.owner = owner;
    }

    /** Loads (or trains) the suite's models and scores every expert on its task's test and validation splits. */
    static EvalContext open(TaskSuite suite, EvalConfig cfg, PrintStream log) {
        Architecture arch = Architectures.create(suite.architecture());
        SuiteModels models = SuiteModelCache.loadOrTrain(suite, log);
        NDManager manager = DjlRuntime.newManager();
        try {
            int selection = Math.min(cfg.selectionItems(), suite.selectionItems());
            Map<String, Map<String, NDArray>> heads = new LinkedHashMap<>();
            Map<String, Double> acc = new LinkedHashMap<>();
            Map<String, Double> valAcc = new LinkedHashMap<>();
            log.println("scoring the experts");
            for (TaskData t : suite.tasks()) {
                WeightSet expert = models.expert(t.name());
                heads.put(t.name(), Params.toNd(manager, expert.filter(n -> n.matches(HEAD))));
                try (NDManager scratch = manager.newSubManager()) {
                    Map<String, NDArray> p = Params.toNd(scratch, expert);
                    acc.put(t.name(), Evaluation.accuracy(arch, p, t.name(), t.test(), t.test().n()));
                    valAcc.put(t.name(), Evaluation.accuracy(arch, p, t.name(), t.validation(), selection));
                }
            }
            return new EvalContext(suite, cfg, log, arch, models, heads, acc, valAcc, manager, true);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The same suite restricted to some of its tasks, in the suite's order; shares this context's arrays. */
    EvalContext subset(List<String> taskNames) {
        List<TaskData> sub = new ArrayList<>();
        for (TaskData t : tasks) {
            if (taskNames.contains(t.name())) {
                sub.add(t);
            }
        }
        if (sub.size() != taskNames.size()) {
            throw new IllegalArgumentException("tasks " + taskNames + " are not all in suite '" + suite.name()
                    + "' (tasks: " + names + ")");
        }
        Map<String, WeightSet> experts = new LinkedHashMap<>();
        sub.forEach(t -> experts.put(t.name(), models.expert(t.name())));
        return new EvalContext(new SubsetSuite(suite, sub), cfg, log, arch, new SuiteModels(models.base(), experts),
                restrict(heads, taskNames), restrict(expertAcc, taskNames), restrict(expertValAcc, taskNames),
                manager, false);
    }

    private static <V> Map<String, V> restrict(Map<String, V> m, List<String> keys) {
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (keys.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The merge options of a static method as the evaluation uses them (ties and dare-ta at their densities). */
    MergeOptions options(String method) {
        MergeOptions base = MergeOptions.defaults().withSeed(cfg.seed());
        return switch (method) {
            case "ties" -> base.withDensity(cfg.tiesDensity());
            case "dare-ta" -> base.withDensity(cfg.dareDensity());
            default -> base;
        };
    }

    /** A static merge of the experts' trunks: average as is, the others with λ picked on validation. */
    StaticMergeSelection.Choice merge(String method) {
        if (method.equals("average")) {
            return new StaticMergeSelection.Choice(1.0,
                    MergeMethods.byName("average").merge(baseTrunk, expertTrunks, options(method)));
        }
        return StaticMergeSelection.select(method, baseTrunk, expertTrunks, options(method), cfg.lambdaGrid(), arch,
                tasks, heads, expertValAcc, selection, manager);
    }

    /** The row note of a static merge: its λ (validation) and density. */
    String note(String method, StaticMergeSelection.Choice c) {
        if (method.equals("average")) {
            return "";
        }
        Double density = options(method).density();
        return String.format("λ=%.1f (validation)%s", c.lambda(),
                density == null ? "" : String.format(", density %.2f", density));
    }

    /** A static row: one trunk for every task, each with its own head. */
    MethodResult staticRow(WeightSet trunk, long bytes, String note) {
        Map<String, Double> acc = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> params = Params.toNd(scratch, trunk);
            for (TaskData t : tasks) {
                Map<String, NDArray> withHead = new HashMap<>(params);
                withHead.putAll(heads.get(t.name()));
                acc.put(t.name(), Evaluation.accuracy(arch, withHead, t.name(), t.test(), t.test().n()));
            }
        }
        return row(acc, bytes, note);
    }

    MethodResult row(Map<String, Double> acc, long bytes, String note) {
        Map<String, Double> norm = normalize(acc);
        double avg = norm.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        Map<String, Double> se = new LinkedHashMap<>();
        for (TaskData t : tasks) {
            se.put(t.name(), StandardError.ofNormalized(acc.get(t.name()), t.test().n(), expertAcc.get(t.name())));
        }
        return new MethodResult(acc, norm, avg, se, StandardError.ofMean(se.values()), bytes, note);
    }

    Map<String, Double> normalize(Map<String, Double> acc) {
        Map<String, Double> norm = new LinkedHashMap<>();
        acc.forEach((t, a) -> norm.put(t, 100 * a / expertAcc.get(t))); // score / score of expert t × 100
        return norm;
    }

    /** The fine-tuned row: expert t on task t, 100 by definition, stored as all experts dense. */
    MethodResult fineTunedRow() {
        return row(expertAcc, denseBytes, "expert t on task t");
    }

    /** The twin recipe with the given shared expert and compression, the config's router settings and seed. */
    TwinRecipe recipe(String sharedMethod, double lambda, String compress, Integer rank, Double compressDensity) {
        return new TwinRecipe(sharedMethod, lambda, options(sharedMethod).density(), compress, rank, compressDensity,
                RouterConfig.defaults(), cfg.temperature(), cfg.seed());
    }

    /** Stage 1 in memory (no bundle written). */
    Modularized modularize(TwinRecipe recipe) {
        return SuiteBundler.modularize(models, recipe, log);
    }

    /** A complete bundle (modularization and router) written to dir. */
    Bundle bundle(TwinRecipe recipe, Path dir) {
        return SuiteBundler.build(suite, models, recipe, dir, log);
    }

    /**
     * The bundle in dir when it is this recipe's bundle for these tasks and its θ* equals {@code sharedTrunk} exactly
     * (so it was made from the same experts), else a new one written there. Reusing it keeps the router: a second
     * router training repeats the first only up to float reduction order, and on a text suite it costs minutes.
     */
    Bundle bundleReusing(TwinRecipe recipe, Path dir, WeightSet sharedTrunk) {
        if (java.nio.file.Files.exists(dir.resolve("manifest.json"))) {
            try {
                Bundle b = Bundle.load(dir);
                if (matches(b, recipe, sharedTrunk)) {
                    log.println("reusing the bundle in " + dir + " (same tasks, θ*, compression and router recipe)");
                    return b;
                }
            } catch (RuntimeException e) {
                log.println("not reusing " + dir + ": " + e.getMessage());
            }
        }
        return bundle(recipe, dir);
    }

    private boolean matches(Bundle b, TwinRecipe r, WeightSet sharedTrunk) {
        var m = b.manifest();
        if (!b.hasRouter() || !m.taskNames().equals(names) || !m.architecture().equals(suite.architecture())
                || !m.shared().method().equals(r.sharedMethod()) || m.shared().lambda() != r.lambda()
                || m.shared().seed() != r.seed() || !m.compression().method().equals(r.compressMethod())
                || !java.util.Objects.equals(m.compression().rank(), r.rank())
                || !java.util.Objects.equals(m.compression().density(), r.compressDensity())
                || m.router().temperature() != r.temperature()) {
            return false;
        }
        WeightSet shared = b.modules().shared();
        for (String name : sharedTrunk.names()) {
            if (!shared.contains(name) || !java.util.Arrays.equals(shared.get(name).data(),
                    sharedTrunk.get(name).data())) {
                return false;
            }
        }
        return true;
    }

    /** The router run over every test input, and the inputs of all tasks as one shuffled stream with their weights. */
    Routed route(byte[] routerOnnx) {
        RouterScores router = RouterScores.score(routerOnnx, tasks, cfg.temperature());
        log.printf("router accuracy on test inputs: %.4f%n", router.accuracy());
        return new Routed(router, TestStream.shuffled(tasks, router.weights(), cfg.seed()), routerOnnx.length);
    }

    record Routed(RouterScores router, TestStream stream, long routerBytes) {
    }

    /** Accuracy per task of θ(w) = θ* + Σt wt·v̂t per input, computed through the factored experts. */
    Map<String, Double> exact(Modularized m, TestStream stream, String label) {
        try (FactoredExperts factored = new FactoredExperts(m)) {
            return ExactEvaluation.run(arch, factored, heads, tasks, stream, cfg.batchSize(), label);
        }
    }

    /** The row of a modularization scored per input through the factored experts, with its stored bytes. */
    MethodResult exactRow(Modularized m, TestStream stream, String label, String note) {
        return row(exact(m, stream, label), BundleWriter.storage(m, 0).twinBytes(), note);
    }

    @Override
    public void close() {
        if (owner) {
            manager.close();
        }
    }
}
