package dev.twin.core.eval;

import dev.twin.core.train.Evaluation;
import ai.djl.ndarray.NDArray;
import dev.twin.core.group.Group;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.model.Architecture;
import dev.twin.core.runtime.Progress;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Scores the mixed test stream under one grouping strategy: batch by batch, the strategy forms groups, each group's
 * θ(w) is materialized once (or found in the cache by its key), and each member runs with its own task's head.
 */
final class DynamicEvaluation {
    private DynamicEvaluation() {
    }

    record Outcome(Map<String, Double> accuracy, long materializations, long groups) {
    }

    static Outcome run(Architecture arch, MergedCache cache, Map<String, Map<String, NDArray>> headParams,
                       List<TaskData> tasks, TestStream stream, GroupingStrategy strategy, int batchSize,
                       String label) {
        int[] correct = new int[tasks.size()];
        int[] seen = new int[tasks.size()];
        long groups = 0;
        long before = cache.materializations();
        try (ProgressBar pb = Progress.bar(label, stream.size(), " inputs")) {
            for (int start = 0; start < stream.size(); start += batchSize) {
                int b = Math.min(batchSize, stream.size() - start);
                float[][] w = new float[b][];
                System.arraycopy(stream.weights(), start, w, 0, b);
                for (Group g : strategy.assign(w)) {
                    groups++;
                    Map<String, NDArray> merged = cache.get(g.key(), g.weights());
                    scoreGroup(arch, merged, headParams, tasks, stream, start, g.members(), correct, seen);
                }
                pb.stepBy(b);
            }
        }
        Map<String, Double> acc = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            acc.put(tasks.get(t).name(), seen[t] == 0 ? 0 : (double) correct[t] / seen[t]);
        }
        return new Outcome(acc, cache.materializations() - before, groups);
    }

    /** Runs each member of one group with θ(w) of the group and the head of the member's own task. */
    private static void scoreGroup(Architecture arch, Map<String, NDArray> merged,
                                   Map<String, Map<String, NDArray>> headParams, List<TaskData> tasks,
                                   TestStream stream, int offset, int[] members, int[] correct, int[] seen) {
        Map<Integer, List<Integer>> byTask = new HashMap<>();
        for (int m : members) {
            byTask.computeIfAbsent(stream.task()[offset + m], k -> new ArrayList<>()).add(offset + m);
        }
        for (Map.Entry<Integer, List<Integer>> e : byTask.entrySet()) {
            TaskData td = tasks.get(e.getKey());
            Split test = td.test();
            List<Integer> items = e.getValue();
            float[] x = new float[items.size() * test.dim()];
            for (int i = 0; i < items.size(); i++) {
                System.arraycopy(test.x(), stream.row()[items.get(i)] * test.dim(), x, i * test.dim(), test.dim());
            }
            Map<String, NDArray> params = new HashMap<>(merged);
            params.putAll(headParams.get(td.name()));
            int[] pred = Evaluation.predict(arch, params, td.name(), x, test.dim(), 0, items.size());
            for (int i = 0; i < items.size(); i++) {
                if (pred[i] == test.y()[stream.row()[items.get(i)]]) {
                    correct[e.getKey()]++;
                }
                seen[e.getKey()]++;
            }
        }
    }
}
