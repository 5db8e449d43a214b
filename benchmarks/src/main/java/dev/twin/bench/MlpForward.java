package dev.twin.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.LowRank;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The whole fashion-mnist-8 model shape (mlp 784→512→256, 8 tasks, SVD rank 16 exclusive experts on the trunk
 * weights, a 10-class head), one batch of B rows that each bring their own merge weights; time per batch:
 * <ul>
 *   <li>{@code staticForward}: θ* alone (the static strategy, or one materialized set serving the whole batch);</li>
 *   <li>{@code exactForward}: the factored experts, every row its own w_i, one pass for the batch (exact);</li>
 *   <li>{@code materializedPerRow}: per row θ(w_i) by the engine's Materializer, then its forward (per-request).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class MlpForward {
    static final int TASKS = 8;
    static final int RANK = 16;
    static final String TASK = "t0";

    @Param({"1", "16", "64"})
    public int batch;

    Architecture arch;
    Modularized modules;
    Materializer materializer;
    FactoredExperts factored;
    NDArray wBatch;
    NDManager manager;
    Map<String, NDArray> staticParams;
    Map<String, NDArray> head;
    NDArray x;
    float[][] w;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(3);
        arch = Architectures.create(new ArchitectureSpec("mlp", List.of(784), List.of(512, 256)));
        modules = syntheticModules(arch, rng);
        materializer = new Materializer(modules);
        factored = new FactoredExperts(modules);
        manager = DjlRuntime.newManager();
        WeightSet withHead = modules.shared().copy();
        modules.heads().get(TASK).asMap().forEach(withHead::put);
        staticParams = Params.toNd(manager, withHead);
        head = Params.toNd(manager, modules.heads().get(TASK));
        x = manager.create(LayerKernels.values(rng, batch * 784, 1), new Shape(batch, 784));
        w = new float[batch][TASKS];
        for (float[] row : w) {
            double sum = 0;
            for (int t = 0; t < TASKS; t++) {
                row[t] = (float) rng.nextDouble();
                sum += row[t];
            }
            for (int t = 0; t < TASKS; t++) {
                row[t] /= (float) sum;
            }
        }
        float[] flat = new float[batch * TASKS];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(w[i], 0, flat, i * TASKS, TASKS);
        }
        wBatch = manager.create(flat, new Shape(batch, TASKS));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        materializer.close();
        factored.close();
        manager.close();
    }

    @Benchmark
    public void staticForward(Blackhole bh) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            bh.consume(arch.logits(staticParams, TASK, x).toFloatArray());
        }
    }

    @Benchmark
    public void exactForward(Blackhole bh) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            bh.consume(Architecture.head(head, TASK, arch.features(factored.layers(wBatch), x)).toFloatArray());
        }
    }

    @Benchmark
    public void materializedPerRow(Blackhole bh) {
        for (int i = 0; i < batch; i++) {
            try (NDManager m = materializer.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Map<String, NDArray> params = new HashMap<>(materializer.materialize(m, w[i]));
                params.putAll(head);
                bh.consume(arch.logits(params, TASK, x.get(i).reshape(1, 784)).toFloatArray());
            }
        }
    }

    /** θ* = random trunk, each task a random rank-16 exclusive vector per trunk weight and its own head. */
    static Modularized syntheticModules(Architecture arch, SplittableRandom rng) {
        List<String> tasks = new ArrayList<>();
        Map<String, Map<String, CompressedTensor>> exclusive = new LinkedHashMap<>();
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        WeightSet shared = arch.initTrunk(1);
        for (int t = 0; t < TASKS; t++) {
            String task = "t" + t;
            tasks.add(task);
            Map<String, CompressedTensor> ex = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : arch.trunkShapes().entrySet()) {
                int[] shape = e.getValue();
                if (shape.length == 2) {
                    ex.put(e.getKey(), new LowRank(shape, shape[0], shape[1], RANK, values(rng, shape[0] * RANK),
                            values(rng, RANK), values(rng, shape[1] * RANK)));
                }
            }
            exclusive.put(task, ex);
            heads.put(task, arch.initHead(task, 10, 10 + t));
        }
        return new Modularized(tasks, shared, exclusive, heads);
    }

    private static float[] values(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * 0.05);
        }
        return a;
    }
}
