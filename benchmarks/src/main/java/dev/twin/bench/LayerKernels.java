package dev.twin.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.LowRank;
import dev.twin.core.factored.FactoredExperts;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.DenseLayers;
import dev.twin.core.model.Layers;
import dev.twin.core.model.Params;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One linear layer of the served models (weight W [m, n], bias [m]) with T low-rank exclusive experts of rank r,
 * applied by the engine's own code three ways to rows that each bring their own merge weights w_i; every score is the
 * time per row (dense and factored run batches of {@value #BATCH} rows, the router's micro-batch bound):
 * <ul>
 *   <li>{@code dense}: y = x·θ*ᵀ + b* ({@link DenseLayers}; static serving, or one materialized set for the batch);</li>
 *   <li>{@code factored}: y = x·θ*ᵀ + b* + U·diag(w_i ⊗ S)·(Vᵀ·x) ({@link FactoredExperts}; exact serving);</li>
 *   <li>{@code materialized}: θ(w_i) by the {@link Materializer}, then its layer on row i (per-request serving).</li>
 * </ul>
 * Shapes: mlp trunk (784→512, 512→256) and MiniLM (384×384 attention projections, 384→1536 and 1536→384 FFN).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LayerKernels {
    static final int BATCH = 64;
    static final String MODULE = "layer";

    /** θ* of the layer and a batch of rows. */
    @State(Scope.Benchmark)
    public static class Dense {
        /** out x in of W. */
        @Param({"512x784", "256x512", "384x384", "1536x384", "384x1536"})
        public String shape;

        NDManager manager;
        Layers dense;
        NDArray x;

        @Setup(Level.Trial)
        public void setUp() {
            String[] mn = shape.split("x");
            int m = Integer.parseInt(mn[0]);
            int n = Integer.parseInt(mn[1]);
            SplittableRandom rng = new SplittableRandom(7);
            manager = DjlRuntime.newManager();
            dense = new DenseLayers("kernel", shapes(m, n), Params.toNd(manager, layer(m, n, 1, 1, rng).shared()));
            x = manager.create(values(rng, BATCH * n, 1 / Math.sqrt(n)), new Shape(BATCH, n));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** The layer, its experts and a batch of rows with their merge weights. */
    @State(Scope.Benchmark)
    public static class Kernel {
        /** out x in of W. */
        @Param({"512x784", "256x512", "384x384", "1536x384", "384x1536"})
        public String shape;

        @Param({"2", "4", "8", "16"})
        public int experts;

        @Param({"4", "16", "64"})
        public int rank;

        NDManager manager;
        FactoredExperts factored;
        Materializer materializer;
        NDArray x; // [B, n]
        NDArray w; // [B, T]
        float[][] rowWeights;
        Map<String, int[]> shapes;
        int n;
        int next; // the row the next materialized operation serves

        @Setup(Level.Trial)
        public void setUp() {
            String[] mn = shape.split("x");
            int m = Integer.parseInt(mn[0]);
            n = Integer.parseInt(mn[1]);
            SplittableRandom rng = new SplittableRandom(7);
            Modularized modules = layer(m, n, experts, rank, rng);
            shapes = shapes(m, n);
            factored = new FactoredExperts(modules);
            materializer = new Materializer(modules);
            manager = DjlRuntime.newManager();
            x = manager.create(values(rng, BATCH * n, 1 / Math.sqrt(n)), new Shape(BATCH, n));
            rowWeights = new float[BATCH][];
            float[] flat = new float[BATCH * experts];
            for (int i = 0; i < BATCH; i++) {
                rowWeights[i] = softmaxLike(rng, experts);
                System.arraycopy(rowWeights[i], 0, flat, i * experts, experts);
            }
            w = manager.create(flat, new Shape(BATCH, experts));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
            materializer.close();
            factored.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void dense(Dense k, Blackhole bh) {
        try (NDScope scope = new NDScope()) { // frees every intermediate of the call
            scope.suppressNotUsedWarning();
            bh.consume(k.dense.linear(MODULE, k.x).toFloatArray());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void factored(Kernel k, Blackhole bh) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            bh.consume(k.factored.layers(k.w).linear(MODULE, k.x).toFloatArray());
        }
    }

    @Benchmark
    public void materialized(Kernel k, Blackhole bh) {
        int i = k.next;
        k.next = (i + 1) % BATCH;
        try (NDManager m = k.materializer.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Layers merged = new DenseLayers("kernel", k.shapes, k.materializer.materialize(m, k.rowWeights[i]));
            bh.consume(merged.linear(MODULE, k.x.get(i).reshape(1, k.n)).toFloatArray());
        }
    }

    static Map<String, int[]> shapes(int m, int n) {
        return Map.of(MODULE + ".weight", new int[]{m, n}, MODULE + ".bias", new int[]{m});
    }

    /** θ* = (W, b) random; each of T tasks a random rank-r exclusive vector on W (b stays shared). */
    static Modularized layer(int m, int n, int experts, int rank, SplittableRandom rng) {
        WeightSet shared = new WeightSet();
        shared.put(MODULE + ".weight", new FloatTensor(new int[]{m, n}, values(rng, m * n, 1 / Math.sqrt(n))));
        shared.put(MODULE + ".bias", new FloatTensor(new int[]{m}, values(rng, m, 0.1)));
        List<String> tasks = new ArrayList<>();
        Map<String, Map<String, CompressedTensor>> exclusive = new LinkedHashMap<>();
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        for (int t = 0; t < experts; t++) {
            String task = "t" + t;
            tasks.add(task);
            exclusive.put(task, Map.of(MODULE + ".weight", new LowRank(new int[]{m, n}, m, n, rank,
                    values(rng, m * rank, 0.05), values(rng, rank, 1), values(rng, n * rank, 0.05))));
            heads.put(task, new WeightSet());
        }
        return new Modularized(tasks, shared, exclusive, heads);
    }

    static float[] values(SplittableRandom rng, int count, double scale) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** Positive weights summing to 1, like a router's softmax. */
    static float[] softmaxLike(SplittableRandom rng, int t) {
        float[] w = new float[t];
        double sum = 0;
        for (int i = 0; i < t; i++) {
            w[i] = (float) rng.nextDouble();
            sum += w[i];
        }
        for (int i = 0; i < t; i++) {
            w[i] /= (float) sum;
        }
        return w;
    }
}
