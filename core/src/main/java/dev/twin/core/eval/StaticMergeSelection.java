package dev.twin.core.eval;

import dev.twin.core.train.Evaluation;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.merge.MergeMethod;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Params;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;

/**
 * A static merge row with λ chosen on validation: for each λ of the grid, merge the trunks and score the average
 * normalized validation accuracy (first {@code items} validation rows per task, never test); keep the best λ.
 */
final class StaticMergeSelection {
    private StaticMergeSelection() {
    }

    record Choice(double lambda, WeightSet merged) {
    }

    static Choice select(String method, WeightSet baseTrunk, List<WeightSet> expertTrunks, MergeOptions opts,
                         List<Double> grid, Architecture arch, List<TaskData> tasks,
                         Map<String, Map<String, NDArray>> heads, Map<String, Double> expertValAcc, int items,
                         NDManager manager) {
        MergeMethod m = MergeMethods.byName(method);
        Choice best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (double lambda : grid) {
            WeightSet merged = m.merge(baseTrunk, expertTrunks, opts.withLambda(lambda));
            double score = validationScore(merged, arch, tasks, heads, expertValAcc, items, manager);
            if (score > bestScore) {
                bestScore = score;
                best = new Choice(lambda, merged);
            }
        }
        return best;
    }

    /** Average over tasks of validation accuracy / expert validation accuracy × 100. */
    static double validationScore(WeightSet trunk, Architecture arch, List<TaskData> tasks,
                                  Map<String, Map<String, NDArray>> heads, Map<String, Double> expertValAcc, int items,
                                  NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> params = Params.toNd(scratch, trunk);
            double sum = 0;
            for (TaskData t : tasks) {
                Map<String, NDArray> withHead = new java.util.HashMap<>(params);
                withHead.putAll(heads.get(t.name()));
                double acc = Evaluation.accuracy(arch, withHead, t.name(), t.validation(), items);
                sum += 100 * acc / Math.max(1e-9, expertValAcc.get(t.name()));
            }
            return sum / tasks.size();
        }
    }
}
