package dev.twin.core.bundle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.compress.CompressOptions;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.merge.TrimScope;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.modularize.ModularizeConfig;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.modularize.Modularizer;
import dev.twin.core.router.RouterModel;
import dev.twin.core.router.RouterOnnx;
import dev.twin.core.router.RouterTrainer;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.SuiteModelCache;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.tensor.WeightSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a complete bundle from a suite's trained experts: modularization, then the router trained on the shared
 * expert's features of the validation split (at most {@link #ROUTER_ITEMS_PER_TASK} items per task, never test
 * items), exported to ONNX with the frozen trunk in front.
 */
public final class SuiteBundler {
    public static final int ROUTER_ITEMS_PER_TASK = 1000;
    static final int ROUTER_STEPS_PER_EPOCH = 20;
    private static final int FEATURE_CHUNK = 256;

    private SuiteBundler() {
    }

    /** A suite's bundle from its trained models, trained now or taken from the trained-model cache. */
    public static Bundle build(TaskSuite suite, TwinRecipe recipe, Path dir, PrintStream log) {
        return build(suite, SuiteModelCache.loadOrTrain(suite, log), recipe, dir, log);
    }

    public static Bundle build(TaskSuite suite, SuiteModels models, TwinRecipe recipe, Path dir, PrintStream log) {
        Architecture arch = Architectures.create(suite.architecture());
        Modularized m = modularize(models, recipe, log);

        WeightSet trunk = m.shared().filter(n -> !n.matches(Architecture.HEAD_REGEX));
        RouterData data = routerData(arch, trunk, suite.tasks());
        log.printf("training the router on %d validation items (%d tasks)%n", data.labels().length, m.tasks().size());
        RouterModel router = RouterTrainer.train(data.features(), data.labels(), arch.featureDim(), m.tasks(),
                recipe.router().withBatch(routerBatch(data.labels().length, recipe.router().batch())));
        byte[] onnx = RouterOnnx.export(router, arch, trunk);
        BundleManifest.SharedSpec shared = new BundleManifest.SharedSpec(recipe.sharedMethod(), recipe.lambda(),
                recipe.density(), "tensor", recipe.seed(), List.of(Architecture.HEAD_REGEX));
        BundleManifest.CompressionSpec compression = new BundleManifest.CompressionSpec(recipe.compressMethod(),
                recipe.rank(), recipe.compressDensity(), recipe.seed());
        BundleManifest.RouterSpec routerSpec = new BundleManifest.RouterSpec(BundleFiles.ROUTER, recipe.temperature(),
                router.heldOutAccuracy(), onnx.length);
        BundleWriter.write(dir, m, suite.architecture(), shared, compression, onnx, routerSpec);
        suite.tokenizer().ifPresent(t -> BundleWriter.addTokenizer(dir, t));
        return Bundle.load(dir);
    }

    /** Stage 1 of the recipe on a suite's models (heads excluded from merging), as a bundle gets it. */
    public static Modularized modularize(SuiteModels models, TwinRecipe recipe, PrintStream log) {
        MergeOptions mo = MergeOptions.defaults().withLambda(recipe.lambda()).withDensity(recipe.density())
                .withTrimScope(TrimScope.TENSOR).withSeed(recipe.seed())
                .withExclude(List.of(Pattern.compile(Architecture.HEAD_REGEX)));
        CompressOptions co = new CompressOptions(recipe.rank(), recipe.compressDensity(), recipe.seed());
        log.printf("modularizing: shared = %s (λ=%.2f), exclusive experts compressed by %s%n",
                recipe.sharedMethod(), recipe.lambda(), describe(recipe));
        return Modularizer.run(models.base(), models.experts(),
                new ModularizeConfig(recipe.sharedMethod(), mo, recipe.compressMethod(), co));
    }

    /**
     * Batch size for the router: at most the configured one (TWIN-MERGING.md: up to 1024), small enough that an epoch
     * of the (small) validation split has about {@link #ROUTER_STEPS_PER_EPOCH} Adam steps; at 1024 a 1000-item
     * split would give one step per epoch and leave the router untrained.
     */
    static int routerBatch(int items, int maxBatch) {
        return Math.max(32, Math.min(maxBatch, items / ROUTER_STEPS_PER_EPOCH));
    }

    private static String describe(TwinRecipe r) {
        if (r.rank() != null) {
            return r.compressMethod() + " rank " + r.rank();
        }
        return r.compressMethod() + (r.compressDensity() == null ? "" : " density " + r.compressDensity());
    }

    /** Router training items: shared-trunk features and task ids of the first items of each validation split. */
    record RouterData(float[] features, int[] labels) {
    }

    static RouterData routerData(Architecture arch, WeightSet trunk, List<TaskData> tasks) {
        int d = arch.featureDim();
        int total = 0;
        for (TaskData t : tasks) {
            total += Math.min(ROUTER_ITEMS_PER_TASK, t.validation().n());
        }
        float[] features = new float[total * d];
        int[] labels = new int[total];
        int row = 0;
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, trunk);
            for (int ti = 0; ti < tasks.size(); ti++) {
                Split v = tasks.get(ti).validation();
                int n = Math.min(ROUTER_ITEMS_PER_TASK, v.n());
                // in chunks: a transformer trunk's activations for 1000 rows at once would need gigabytes
                for (int start = 0; start < n; start += FEATURE_CHUNK) {
                    int size = Math.min(FEATURE_CHUNK, n - start);
                    try (NDManager scratch = m.newSubManager()) {
                        float[] x = new float[size * v.dim()];
                        System.arraycopy(v.x(), start * v.dim(), x, 0, x.length);
                        float[] f = arch.features(params, scratch.create(x, new Shape(size, v.dim()))).toFloatArray();
                        System.arraycopy(f, 0, features, (row + start) * d, size * d);
                    }
                }
                for (int i = 0; i < n; i++) {
                    labels[row + i] = ti;
                }
                row += n;
            }
        }
        return new RouterData(features, labels);
    }
}
