package dev.twin.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.model.Architecture;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.runtime.Progress;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Scores the mixed test stream through the factored experts ("exact"): each batch runs once, every row with its own
 * router weights, no materialization; each row is then read out with its own task's head.
 */
final class ExactEvaluation {
    private ExactEvaluation() {
    }

    static Map<String, Double> run(Architecture arch, FactoredExperts experts,
                                   Map<String, Map<String, NDArray>> headParams, List<TaskData> tasks,
                                   TestStream stream, int batchSize, String label) {
        int[] correct = new int[tasks.size()];
        int[] seen = new int[tasks.size()];
        int dim = tasks.get(0).test().dim();
        int t = experts.tasks().size();
        try (NDManager manager = DjlRuntime.newManager();
             ProgressBar pb = Progress.bar(label, stream.size(), " inputs")) {
            for (int start = 0; start < stream.size(); start += batchSize) {
                int b = Math.min(batchSize, stream.size() - start);
                float[] x = new float[b * dim];
                float[] w = new float[b * t];
                boolean[] present = new boolean[tasks.size()];
                for (int i = 0; i < b; i++) {
                    int task = stream.task()[start + i];
                    Split test = tasks.get(task).test();
                    System.arraycopy(test.x(), stream.row()[start + i] * dim, x, i * dim, dim);
                    System.arraycopy(stream.weights()[start + i], 0, w, i * t, t);
                    present[task] = true;
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray features = arch.features(experts.layers(manager.create(w, new Shape(b, t))),
                            manager.create(x, new Shape(b, dim)));
                    for (int k = 0; k < tasks.size(); k++) {
                        if (!present[k]) {
                            continue;
                        }
                        String name = tasks.get(k).name();
                        long[] pred = Architecture.head(headParams.get(name), name, features).argMax(1).toLongArray();
                        for (int i = 0; i < b; i++) {
                            if (stream.task()[start + i] == k) {
                                int truth = tasks.get(k).test().y()[stream.row()[start + i]];
                                correct[k] += pred[i] == truth ? 1 : 0;
                                seen[k]++;
                            }
                        }
                    }
                }
                pb.stepBy(b);
            }
        }
        Map<String, Double> acc = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            acc.put(tasks.get(k).name(), seen[k] == 0 ? 0 : (double) correct[k] / seen[k]);
        }
        return acc;
    }
}
