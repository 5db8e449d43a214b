package dev.twin.cli.traffic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.Group;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.router.RouterSession;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predictions for traffic computed in this process with the engine alone, no services: a dense expert per task (the
 * "fine-tuned" reference of normalized scores), or a bundle served offline with a batch-independent grouping strategy
 * (exact, per-request, lattice, top1, static) — what the stack must reproduce. Exact and per-request both give each
 * item θ(w) of its own w; here it is materialized per item (the stack computes it factored).
 */
public final class OfflineReference {
    private OfflineReference() {
    }

    /** Each item's class under its own task's expert ({@code experts}: task → full weights with that task's head). */
    public static Map<String, Integer> experts(Architecture arch, Map<String, WeightSet> experts,
                                               List<TrafficItem> items) {
        Map<String, Integer> out = new HashMap<>();
        for (Map.Entry<String, List<TrafficItem>> e : byTask(items).entrySet()) {
            WeightSet expert = experts.get(e.getKey());
            if (expert == null) {
                throw new IllegalArgumentException("no expert for task '" + e.getKey() + "'");
            }
            try (NDManager m = DjlRuntime.newManager()) {
                putAll(out, e.getValue(), predict(arch, Params.toNd(m, expert), e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /**
     * Each item's class through the bundle as the stack serves it: router logits (ONNX Runtime), w = softmax(logits /
     * temperature), the strategy's group of that item alone, θ(w_group) materialized, the item's task head.
     */
    public static Map<String, Integer> bundle(Bundle bundle, GroupingStrategy strategy, double temperature,
                                              List<TrafficItem> items) {
        Map<String, Integer> out = new HashMap<>();
        bundleLogits(bundle, strategy, temperature, items).forEach((id, l) -> out.put(id, argMax(l)));
        return out;
    }

    /** The logits behind {@link #bundle}: each item's task head applied to its group's θ(w). */
    public static Map<String, float[]> bundleLogits(Bundle bundle, GroupingStrategy strategy, double temperature,
                                                    List<TrafficItem> items) {
        Architecture arch = Architectures.create(bundle.manifest().architecture());
        List<String> tasks = bundle.manifest().taskNames();
        Map<String, List<TrafficItem>> byGroup = new LinkedHashMap<>();
        Map<String, float[]> groupWeights = new HashMap<>();
        try (RouterSession router = strategy.usesRouter() ? RouterSession.load(bundle.routerOnnx()) : null) {
            for (TrafficItem item : items) {
                float[] w = router == null ? new float[tasks.size()]
                        : RouterSession.softmax(router.logits(item.input(), 1)[0], temperature);
                Group g = strategy.assign(new float[][]{w}).get(0);
                // "exact" names no shared weight set: each item is served with its own w (θ(w) materialized here)
                String key = strategy.perRowWeights() ? g.key() + "/" + item.id() : g.key();
                byGroup.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(item);
                groupWeights.put(key, strategy.perRowWeights() ? w : g.weights());
            }
        }
        Map<String, float[]> out = new HashMap<>();
        try (Materializer mat = new Materializer(bundle.modules())) {
            for (Map.Entry<String, List<TrafficItem>> g : byGroup.entrySet()) {
                try (NDManager m = mat.newSubManager()) {
                    Map<String, NDArray> merged = mat.materialize(m, groupWeights.get(g.getKey()));
                    for (Map.Entry<String, List<TrafficItem>> t : byTask(g.getValue()).entrySet()) {
                        // θ(w) with the task's own head, as the executor runs it
                        Map<String, NDArray> params = new HashMap<>(merged);
                        params.putAll(Params.toNd(m, bundle.modules().heads().get(t.getKey())));
                        List<TrafficItem> group = t.getValue();
                        float[][] logits = logits(arch, params, t.getKey(), group);
                        for (int i = 0; i < group.size(); i++) {
                            out.put(group.get(i).id(), logits[i]);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static int[] predict(Architecture arch, Map<String, NDArray> params, String task, List<TrafficItem> items) {
        return Evaluation.predict(arch, params, task, rows(items), items.get(0).input().length, 0, items.size());
    }

    /** The items' inputs as one flat [n, dim] array. */
    private static float[] rows(List<TrafficItem> items) {
        int dim = items.get(0).input().length;
        float[] x = new float[items.size() * dim];
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).input(), 0, x, i * dim, dim);
        }
        return x;
    }

    private static float[][] logits(Architecture arch, Map<String, NDArray> params, String task,
                                    List<TrafficItem> items) {
        return Evaluation.logits(arch, params, task, rows(items), items.get(0).input().length, 0, items.size());
    }

    /** Index of the largest logit, the lower index on a tie (as the executor answers). */
    static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static Map<String, List<TrafficItem>> byTask(List<TrafficItem> items) {
        Map<String, List<TrafficItem>> m = new LinkedHashMap<>();
        for (TrafficItem i : items) {
            m.computeIfAbsent(i.task(), k -> new java.util.ArrayList<>()).add(i);
        }
        return m;
    }

    private static void putAll(Map<String, Integer> out, List<TrafficItem> items, int[] pred) {
        for (int i = 0; i < items.size(); i++) {
            out.put(items.get(i).id(), pred[i]);
        }
    }
}
