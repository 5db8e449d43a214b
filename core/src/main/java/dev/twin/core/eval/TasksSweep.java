package dev.twin.core.eval;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.suite.TaskSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's Figure 4 (left): average normalized score against the number of merged tasks. For each size k = 2 … T,
 * up to {@code subsetsPerSize} task subsets (all of them when there are that few, else a seeded draw); on each subset
 * the static merges (λ picked on that subset's validation items) and twin with a bundle and router of its own (trained
 * on that subset's validation items, as {@code twin eval} does for all tasks), scored through the factored experts.
 * At k = T this is {@code twin eval}'s average, task-arithmetic, ties and exact rows.
 */
public final class TasksSweep {
    public static final List<String> METHODS = List.of("average", "task-arithmetic", "ties", "twin");

    private TasksSweep() {
    }

    /**
     * @param bundleDir the suite's bundle (all tasks), reused when it is this recipe's
     * @param workDir   where each smaller subset's bundle is written (overwritten subset after subset)
     */
    public static SweepReport run(TaskSuite suite, EvalConfig cfg, int subsetsPerSize, Path bundleDir, Path workDir,
                                  PrintStream log) {
        if (subsetsPerSize < 1) {
            throw new IllegalArgumentException("task subsets per size must be >= 1, got " + subsetsPerSize);
        }
        int total = suite.tasks().size();
        if (total < 2) {
            throw new IllegalArgumentException("suite '" + suite.name() + "' has " + total
                    + " task; the tasks sweep needs at least 2");
        }
        long t0 = System.nanoTime();
        try (EvalContext all = EvalContext.open(suite, cfg, log)) {
            List<SweepReport.Point> points = new ArrayList<>();
            double routerAccuracy = 0;
            for (int k = 2; k <= total; k++) {
                for (List<Integer> subset : subsets(total, k, subsetsPerSize, cfg.seed())) {
                    EvalContext ctx = all.subset(subset.stream().map(all.names::get).toList());
                    log.println("tasks sweep: " + ctx.names);
                    double taLambda = 0;
                    StaticMergeSelection.Choice sharedChoice = null;
                    for (String m : METHODS.subList(0, 3)) {
                        StaticMergeSelection.Choice c = ctx.merge(m);
                        if (m.equals(cfg.sharedMethod())) {
                            taLambda = c.lambda();
                            sharedChoice = c;
                        }
                        points.add(new SweepReport.Point(m, k, ctx.names,
                                ctx.staticRow(c.merged(), ctx.oneModelBytes, ctx.note(m, c))));
                    }
                    int rank = SuiteEvaluation.twinRank(suite, cfg);
                    TwinRecipe recipe = ctx.recipe(cfg.sharedMethod(), taLambda, "svd", rank, null);
                    // all tasks: the suite's own bundle (reused when it is this recipe's), so k = T is twin eval's row
                    Bundle b = k == total && sharedChoice != null
                            ? ctx.bundleReusing(recipe, bundleDir, sharedChoice.merged())
                            : ctx.bundle(recipe, workDir);
                    EvalContext.Routed routed = ctx.route(b.routerOnnx());
                    if (k == total) {
                        routerAccuracy = routed.router().accuracy();
                    }
                    Map<String, Double> acc = ctx.exact(b.modules(), routed.stream(), "twin " + ctx.names);
                    points.add(new SweepReport.Point("twin", k, ctx.names, ctx.row(acc,
                            b.manifest().storage().twinBytes(), SuiteEvaluation.sharedNote(cfg.sharedMethod(),
                                    taLambda, rank) + String.format(", router accuracy %.4f, ",
                                    routed.router().accuracy()) + SuiteEvaluation.EXACT_NOTE)));
                }
            }
            points.sort(Comparator.comparingInt((SweepReport.Point p) -> METHODS.indexOf(p.method()))
                    .thenComparingDouble(SweepReport.Point::x));
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new SweepReport(suite.name(), "tasks", "merged_tasks", all.names, points, Map.of(),
                    all.denseBytes, routerAccuracy, seconds);
        }
    }

    /**
     * Up to n distinct k-subsets of {0 … total−1}, each ascending: all of them when C(total, k) ≤ n, else n drawn
     * without replacement by a Fisher–Yates shuffle seeded with (seed, k).
     */
    static List<List<Integer>> subsets(int total, int k, int n, long seed) {
        List<List<Integer>> all = new ArrayList<>();
        combinations(total, k, 0, new ArrayList<>(), all);
        if (all.size() <= n) {
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 31 + k);
        for (int i = all.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            List<Integer> a = all.get(i);
            all.set(i, all.get(j));
            all.set(j, a);
        }
        return List.copyOf(all.subList(0, n));
    }

    private static void combinations(int total, int k, int from, List<Integer> prefix, List<List<Integer>> out) {
        if (prefix.size() == k) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = from; i <= total - (k - prefix.size()); i++) {
            prefix.add(i);
            combinations(total, k, i + 1, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
