package dev.twin.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.runtime.DjlRuntime;
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
 * One weight matrix W [m, n] of the served models, three ways to apply it to a batch of B rows that each bring their
 * own merge weights w_i (TWIN-MERGING.md, "exact"); every score is the time per row (dense and factored run batches of
 * {@value #BATCH} rows, the router's micro-batch bound; materialized serves one row per operation):
 * <ul>
 *   <li>{@code dense}: y = x·θ*ᵀ (static serving, or a materialized set shared by the batch);</li>
 *   <li>{@code factored}: y = x·θ*ᵀ + ((x·Vᵀ) ⊙ C)·Uᵀ with C = w·E, E [T, ΣR] holding S_j at (task(j), j), so C_ij =
 *       w_i,task(j)·S_j: two thin GEMMs of rank ΣR = T·r on top of the dense one;</li>
 *   <li>{@code materialized}: per row θ(w_i) = θ* + (U ⊙ c_i)·V, then y_i = θ(w_i)·x_i (per-request serving).</li>
 * </ul>
 * Shapes: mlp trunk (784→512, 512→256) and MiniLM (384×384 attention projections, 384→1536 and 1536→384 FFN).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LayerKernels {
    static final int BATCH = 64;

    /** The dense layer alone: the shape and batch. */
    @State(Scope.Benchmark)
    public static class Dense {
        /** out x in of W. */
        @Param({"512x784", "256x512", "384x384", "1536x384", "384x1536"})
        public String shape;

        final int batch = BATCH;
        int next; // the row the next materialized operation serves

        NDManager manager;
        NDArray theta;
        NDArray x;
        int m;
        int n;

        @Setup(Level.Trial)
        public void setUp() {
            String[] mn = shape.split("x");
            m = Integer.parseInt(mn[0]);
            n = Integer.parseInt(mn[1]);
            manager = DjlRuntime.newManager();
            SplittableRandom rng = new SplittableRandom(7);
            theta = random(manager, rng, m, n);
            x = random(manager, rng, batch, n);
            prepare(rng);
        }

        void prepare(SplittableRandom rng) {
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** The exclusive experts of W: T experts of rank r each, stacked, and per-row merge weights. */
    @State(Scope.Benchmark)
    public static class Factored extends Dense {
        @Param({"2", "4", "8", "16"})
        public int experts;

        @Param({"4", "16", "64"})
        public int rank;

        NDArray u; // [m, T·r]
        NDArray v; // [T·r, n]
        NDArray e; // [T, T·r]: S_j at (task(j), j)
        NDArray w; // [B, T]: each row its own softmax weights
        float[][] rowCoef; // per row c_i = w_i,task(j)·S_j

        @Override
        void prepare(SplittableRandom rng) {
            int total = experts * rank;
            u = random(manager, rng, m, total);
            v = random(manager, rng, total, n);
            float[] s = new float[total];
            float[] eFlat = new float[experts * total];
            for (int j = 0; j < total; j++) {
                s[j] = (float) (0.1 + rng.nextDouble());
                eFlat[(j / rank) * total + j] = s[j];
            }
            e = manager.create(eFlat, new Shape(experts, total));
            float[] wFlat = new float[batch * experts];
            rowCoef = new float[batch][total];
            for (int i = 0; i < batch; i++) {
                double sum = 0;
                for (int t = 0; t < experts; t++) {
                    wFlat[i * experts + t] = (float) rng.nextDouble();
                    sum += wFlat[i * experts + t];
                }
                for (int t = 0; t < experts; t++) {
                    wFlat[i * experts + t] /= (float) sum;
                }
                for (int j = 0; j < total; j++) {
                    rowCoef[i][j] = wFlat[i * experts + j / rank] * s[j];
                }
            }
            w = manager.create(wFlat, new Shape(batch, experts));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void dense(Dense s, Blackhole bh) {
        try (NDScope scope = new NDScope()) { // frees every intermediate of the call
            scope.suppressNotUsedWarning();
            bh.consume(s.x.matMul(s.theta.transpose()).toFloatArray()); // x·θ*ᵀ
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void factored(Factored s, Blackhole bh) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray base = s.x.matMul(s.theta.transpose()); // x·θ*ᵀ
            NDArray coef = s.w.matMul(s.e); // C = w·E, [B, ΣR]
            NDArray low = s.x.matMul(s.v.transpose()).mul(coef).matMul(s.u.transpose()); // ((x·Vᵀ) ⊙ C)·Uᵀ
            bh.consume(base.add(low).toFloatArray());
        }
    }

    @Benchmark
    public void materialized(Factored s, Blackhole bh) {
        int i = s.next;
        s.next = (i + 1) % s.batch;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray c = s.manager.create(s.rowCoef[i]);
            NDArray theta = s.theta.add(s.u.mul(c).matMul(s.v)); // θ(w_i) = θ* + U·diag(c_i)·V
            NDArray xi = s.x.get(i).reshape(1, s.n);
            bh.consume(xi.matMul(theta.transpose()).toFloatArray());
        }
    }

    static NDArray random(NDManager m, SplittableRandom rng, int rows, int cols) {
        float[] a = new float[rows * cols];
        double scale = 1 / Math.sqrt(cols);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return m.create(a, new Shape(rows, cols));
    }
}
