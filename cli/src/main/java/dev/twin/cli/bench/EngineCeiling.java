package dev.twin.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.TrafficItem;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.router.RouterSession;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.train.Evaluation;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's ceiling: rows per second of the bundle's forward pass in this process, no services, at the serving
 * batch size, over the traffic's own inputs (one batch after another for a fixed time, after a warm-up). Static runs
 * θ* with a task head; exact runs the factored experts (every row its own weights) with the same head; router runs
 * the bundle's router.onnx on ONNX Runtime as the router-service does, which every strategy but static runs on every
 * request before the model: the compute a routed request costs beyond a static one is 1/router + 1/exact − 1/static
 * per row. Each engine runs with the intra-op threads the stack's services get ({@link Stack#engineThreads}: one on
 * a shared machine), so that these are per-row CPU costs; {@code twin bench e2e} sets PyTorch's before DJL starts.
 */
public final class EngineCeiling {
    /** Rows per second of each measured form, by name ("static", "exact"), and the batch size used. */
    public record Result(int batch, Map<String, Double> rowsPerSecond) {
        public Result {
            rowsPerSecond = Map.copyOf(rowsPerSecond);
        }
    }

    /** One forward pass over rows [from, from + n) of a flat [*, dim] input. */
    @FunctionalInterface
    interface Forward {
        void run(float[] x, int dim, int from, int n);
    }

    private EngineCeiling() {
    }

    /**
     * Static and exact forward passes (the first item's task head) and the router's scoring at {@code batch}, each
     * timed for {@code seconds}.
     */
    public static Result measure(Bundle bundle, List<TrafficItem> items, int batch, double seconds) {
        if (batch < 1 || items.size() < batch || !(seconds > 0)) {
            throw new IllegalArgumentException("engine ceiling needs a positive batch no larger than the " + items.size()
                    + " traffic items and a positive time, got batch " + batch + " and " + seconds + " s");
        }
        int dim = items.get(0).input().length;
        float[] x = new float[items.size() * dim];
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(items.get(i).input(), 0, x, i * dim, dim);
        }
        Architecture arch = Architectures.create(bundle.manifest().architecture());
        String task = items.get(0).task();
        Map<String, Double> rates = new HashMap<>();
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = new HashMap<>(Params.toNd(m, bundle.modules().shared()));
            params.putAll(Params.toNd(m, bundle.modules().heads().get(task)));
            rates.put("static", rowsPerSecond((xs, d, from, n) -> Evaluation.logits(arch, params, task, xs, d, from, n),
                    x, dim, items.size(), batch, seconds));
        }
        int tasks = bundle.manifest().taskNames().size();
        float[] w = uniformWeights(items.size(), tasks);
        try (FactoredExperts experts = FactoredExperts.of(bundle); NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> head = Params.toNd(m, bundle.modules().heads().get(task));
            // as the executor serves exact rows: the batch and its per-row weights in, logits out
            rates.put("exact", rowsPerSecond((xs, d, from, n) -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray in = m.create(FloatBuffer.wrap(xs, from * d, n * d).slice(), new Shape(n, d));
                    NDArray wn = m.create(FloatBuffer.wrap(w, from * tasks, n * tasks).slice(), new Shape(n, tasks));
                    Architecture.head(head, task, arch.features(experts.layers(wn), in)).toFloatArray();
                }
            }, x, dim, items.size(), batch, seconds));
        }
        if (bundle.hasRouter()) {
            try (RouterSession router = RouterSession.load(bundle.routerOnnx(),
                Stack.engineThreads(Stack.ROUTER_THREADS_ENV))) {
                // as BatchRouter scores a micro-batch: its rows copied into one array, logits back as float[n][T]
                rates.put(E2eReport.ROUTER, rowsPerSecond((xs, d, from, n) -> router.logits(
                        Arrays.copyOfRange(xs, from * d, (from + n) * d), n), x, dim, items.size(), batch, seconds));
            }
        }
        return new Result(batch, rates);
    }

    /** Every row the same weights 1/T (the factored cost does not depend on the values). */
    private static float[] uniformWeights(int rows, int tasks) {
        float[] w = new float[rows * tasks];
        Arrays.fill(w, 1f / tasks);
        return w;
    }

    /** Batches of {@code batch} rows cycling over the input, warm-up for a fifth of the time, then timed. */
    static double rowsPerSecond(Forward f, float[] x, int dim, int rows, int batch, double seconds) {
        loop(f, x, dim, rows, batch, (long) (seconds * 0.2e9));
        long start = System.nanoTime();
        long done = loop(f, x, dim, rows, batch, (long) (seconds * 1e9));
        return done / ((System.nanoTime() - start) / 1e9);
    }

    private static long loop(Forward f, float[] x, int dim, int rows, int batch, long nanos) {
        long end = System.nanoTime() + nanos;
        long done = 0;
        int from = 0;
        while (System.nanoTime() < end) {
            if (from + batch > rows) {
                from = 0;
            }
            f.run(x, dim, from, batch);
            from += batch;
            done += batch;
        }
        return done;
    }
}
