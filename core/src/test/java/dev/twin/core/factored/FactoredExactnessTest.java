package dev.twin.core.factored;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.compress.CompressOptions;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Bert;
import dev.twin.core.model.Params;
import dev.twin.core.modularize.ModularizeConfig;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.modularize.Modularizer;
import dev.twin.core.device.TestDevices;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The factored forward pass against a second implementation: for every architecture and compression, a batch whose
 * rows all have different merge weights gives, row by row, the logits of the forward pass over the materialized θ(w)
 * of that row ({@link Materializer}); and the residual form on a materialized θ(w_key) gives the same as θ* + w.
 */
class FactoredExactnessTest {
    private static final List<String> TASKS = List.of("a", "b", "c");
    private static final int CLASSES = 4;
    private static final int ROWS = 6;

    static Stream<Arguments> cases() {
        List<Architecture> archs = List.of(
                Architectures.create(new ArchitectureSpec("mlp", List.of(12), List.of(10, 8))),
                Architectures.create(new ArchitectureSpec("cnn", List.of(2, 8, 8), List.of(3, 4, 6))),
                Bert.of(BertConfig.of(8, 2, 2, 16, 20, 10, 2, 1e-12), 5));
        Map<String, CompressOptions> compressions = new LinkedHashMap<>();
        compressions.put("svd", new CompressOptions(2, null, 3));
        compressions.put("magnitude", new CompressOptions(null, 0.3, 3));
        compressions.put("bernoulli", new CompressOptions(null, 0.5, 3));
        compressions.put("none", new CompressOptions(null, null, 3));
        // every case on the CPU and on the GPU (skipped by detection when there is none)
        return TestDevices.names().stream().flatMap(d -> archs.stream().flatMap(a -> compressions.entrySet().stream()
                .map(c -> Arguments.of(a, c.getKey(), c.getValue(), d))));
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("cases")
    void everyRowEqualsTheForwardOverItsMaterializedWeights(Architecture arch, String method, CompressOptions co,
                                                            String device) {
        Device dev = TestDevices.require(device);
        Modularized m = modularize(arch, method, co);
        SplittableRandom rnd = new SplittableRandom(11);
        float[][] w = new float[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            w[i] = new float[] {(float) rnd.nextDouble(-0.5, 1.5), (float) rnd.nextDouble(-0.5, 1.5),
                    (float) rnd.nextDouble(-0.5, 1.5)};
        }
        float[] x = inputs(arch, rnd);
        int dim = x.length / ROWS;
        try (FactoredExperts fx = new FactoredExperts(m, dev);
             Materializer mat = new Materializer(m, dev);
             NDManager nd = DjlRuntime.newManager(dev)) {
            Map<String, Map<String, NDArray>> heads = new HashMap<>();
            m.heads().forEach((t, h) -> heads.put(t, Params.toNd(nd, h)));
            float[][] factored = new float[ROWS][];
            NDArray features = arch.features(fx.layers(nd.create(flat(w), new Shape(ROWS, TASKS.size()))),
                    nd.create(x, new Shape(ROWS, dim)));
            for (int i = 0; i < ROWS; i++) {
                String task = TASKS.get(i % TASKS.size());
                factored[i] = Architecture.head(heads.get(task), task, features.get(i + ":" + (i + 1)))
                        .toFloatArray();
            }
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < ROWS; i++) {
                String task = TASKS.get(i % TASKS.size());
                try (NDManager row = nd.newSubManager()) {
                    Map<String, NDArray> params = new HashMap<>(mat.materialize(row, w[i]));
                    params.putAll(heads.get(task));
                    float[] expected = arch.logits(params, task, row.create(java.util.Arrays.copyOfRange(x,
                            i * dim, (i + 1) * dim), new Shape(1, dim))).toFloatArray();
                    for (int j = 0; j < CLASSES; j++) {
                        scale = Math.max(scale, Math.abs(expected[j]));
                        diff = Math.max(diff, Math.abs(expected[j] - factored[i][j]));
                    }
                }
            }
            assertTrue(scale > 0.01, "logits are not all ~0: " + scale);
            assertTrue(diff <= 1e-4 * scale, arch + " " + method + ": max |factored − materialized| = " + diff
                    + " for logits up to " + scale);
        }
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("cases")
    void residualOnAMaterializedKeyEqualsTheFullFactoredMerge(Architecture arch, String method,
                                                              CompressOptions co, String device) {
        Device dev = TestDevices.require(device);
        Modularized m = modularize(arch, method, co);
        SplittableRandom rnd = new SplittableRandom(5);
        float[] key = {0.5f, 0.25f, 0.25f};
        float[] w = new float[ROWS * TASKS.size()];
        float[] residual = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(0, 1);
            residual[i] = w[i] - key[i % TASKS.size()]; // w − w_key
        }
        float[] x = inputs(arch, rnd);
        try (FactoredExperts fx = new FactoredExperts(m, dev);
             Materializer mat = new Materializer(m, dev);
             NDManager nd = DjlRuntime.newManager(dev)) {
            NDArray in = nd.create(x, new Shape(ROWS, x.length / ROWS));
            float[] full = arch.features(fx.layers(nd.create(w, new Shape(ROWS, 3))), in).toFloatArray();
            Map<String, NDArray> base = mat.materialize(nd, key);
            float[] res = arch.features(fx.layers(base, nd.create(residual, new Shape(ROWS, 3))), in)
                    .toFloatArray();
            assertEquals(full.length, res.length);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < full.length; i++) {
                scale = Math.max(scale, Math.abs(full[i]));
                diff = Math.max(diff, Math.abs(full[i] - res[i]));
            }
            assertTrue(scale > 0.01 && diff <= 1e-4 * scale, arch + " " + method + ": residual form differs by "
                    + diff + " on features up to " + scale);
        }
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("cases")
    void aForwardPassLeavesNothingOnTheExpertsManager(Architecture arch, String method, CompressOptions co,
                                                      String device) {
        Device dev = TestDevices.require(device);
        Modularized m = modularize(arch, method, co);
        float[] x = inputs(arch, new SplittableRandom(9));
        float[] w = new float[ROWS * TASKS.size()];
        java.util.Arrays.fill(w, 0.3f);
        try (FactoredExperts fx = new FactoredExperts(m, dev)) {
            int before = fx.residentArrays();
            // no NDScope: every intermediate must land on the caller's manager, which closes them
            try (NDManager batch = DjlRuntime.newManager(dev)) {
                arch.features(fx.layers(batch.create(w, new Shape(ROWS, TASKS.size()))),
                        batch.create(x, new Shape(ROWS, x.length / ROWS))).toFloatArray();
                arch.features(fx.shared(), batch.create(x, new Shape(ROWS, x.length / ROWS))).toFloatArray();
            }
            assertEquals(before, fx.residentArrays(), "arrays left on the experts' manager");
        }
    }

    /** θ0 = a fresh trunk and heads; expert t = θ0 + noise on every tensor (embeddings and norms included). */
    static Modularized modularize(Architecture arch, String method, CompressOptions co) {
        WeightSet base = arch.initTrunk(1);
        Map<String, WeightSet> experts = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
            SplittableRandom rnd = new SplittableRandom(100 + t);
            WeightSet e = new WeightSet();
            for (String name : base.names()) {
                FloatTensor b = base.get(name);
                float[] d = b.data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] += (float) (0.1 * rnd.nextGaussian());
                }
                e.put(name, new FloatTensor(b.shape(), d));
            }
            arch.initHead(TASKS.get(t), CLASSES, 200 + t).asMap().forEach(e::put);
            experts.put(TASKS.get(t), e);
        }
        MergeOptions mo = MergeOptions.defaults().withLambda(0.3)
                .withExclude(List.of(Pattern.compile(Architecture.HEAD_REGEX)));
        return Modularizer.run(base, experts, new ModularizeConfig("task-arithmetic", mo, method, co));
    }

    /** ROWS random inputs; for bert, token ids below the vocabulary and masks with some padding. */
    static float[] inputs(Architecture arch, SplittableRandom rnd) {
        int dim = 1;
        for (int d : arch.inputShape()) {
            dim *= d;
        }
        float[] x = new float[ROWS * dim];
        if (arch instanceof Bert bert) {
            int len = bert.maxLength();
            for (int i = 0; i < ROWS; i++) {
                int tokens = 2 + i % (len - 1);
                for (int j = 0; j < len; j++) {
                    x[i * dim + j] = rnd.nextInt(bert.config().vocabSize());
                    x[i * dim + len + j] = j < tokens ? 1 : 0;
                }
            }
        } else {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }
}
