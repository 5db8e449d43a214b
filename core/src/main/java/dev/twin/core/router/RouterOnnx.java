package dev.twin.core.router;

import ai.onnx.proto.OnnxMl;
import dev.twin.core.model.Architecture;
import dev.twin.core.onnx.OnnxModels;
import dev.twin.core.onnx.OnnxOps;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Exports the deployable router (TWIN-MERGING.md "The router"): ONE ONNX model mapping the raw request tensor
 * "input" float [batch, prod(inputShape)] through the frozen feature trunk and the router MLP in inference mode
 * (BatchNorm with running statistics, no dropout) to "logits" float [batch, T]. The task names are stored in the
 * model's metadata_props under {@value #TASKS_KEY}, comma-separated, in logit order.
 */
public final class RouterOnnx {
    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    public static final String TASKS_KEY = "tasks";

    private RouterOnnx() {
    }

    public static byte[] export(RouterModel router, Architecture arch, WeightSet trunk) {
        if (router == null || arch == null || trunk == null) {
            throw new IllegalArgumentException("router export needs a router, an architecture and trunk weights");
        }
        if (arch.featureDim() != router.inputDim()) {
            throw new IllegalArgumentException("architecture '" + arch.name() + "' produces " + arch.featureDim()
                    + " features but the router expects " + router.inputDim());
        }
        for (String task : router.tasks()) {
            if (task.isEmpty() || task.contains(",")) {
                throw new IllegalArgumentException("task name '" + task + "' cannot be stored in the router's "
                        + "comma-separated metadata (empty or contains ',')");
            }
        }
        long inputSize = FloatTensor.numel(arch.inputShape());
        ONNXContext ctx = new ONNXContext();
        ctx.setName("twin-router");
        ONNXPlaceholder input = ctx.floatInput(INPUT, Math.toIntExact(inputSize));
        ONNXPlaceholder output = ctx.floatOutput(OUTPUT, router.numTasks());
        ONNXRef<?> h = arch.exportFeatures(ctx, input, trunk);
        WeightSet w = router.weights();
        for (int layer = 0; layer < 2; layer++) {
            h = gemm(ctx, h, w, RouterMlp.LINEARS[layer]);
            h = batchNorm(ctx, h, w, RouterMlp.NORMS[layer]);
            h = h.apply(OnnxOps.LEAKY_RELU, Map.of("alpha", RouterMlp.LEAKY_SLOPE));
        }
        h = gemm(ctx, h, w, RouterMlp.LINEARS[2]);
        h.assignTo(output);

        OnnxMl.ModelProto model = OnnxModels.builder(ctx)
                .setProducerName("twin")
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(TASKS_KEY).setValue(String.join(",", router.tasks())))
                .build();
        return model.toByteArray();
    }

    /** y = x·Wᵀ + b as Gemm(transB = 1). */
    private static ONNXRef<?> gemm(ONNXContext ctx, ONNXRef<?> x, WeightSet w, String prefix) {
        List<ONNXRef<?>> args = new ArrayList<>();
        args.add(tensor(ctx, w, prefix + ".weight"));
        args.add(tensor(ctx, w, prefix + ".bias"));
        return x.apply(ONNXOperators.GEMM, args, List.of(prefix + ".out"), Map.of("transB", 1)).get(0);
    }

    /** Inference BatchNormalization with the running statistics and PyTorch's eps. */
    private static ONNXRef<?> batchNorm(ONNXContext ctx, ONNXRef<?> x, WeightSet w, String prefix) {
        List<ONNXRef<?>> args = new ArrayList<>();
        for (String p : new String[] {"gamma", "beta", "running_mean", "running_var"}) {
            args.add(tensor(ctx, w, prefix + "." + p));
        }
        return x.apply(OnnxOps.BATCH_NORMALIZATION, args, List.of(prefix + ".out"),
                Map.of("epsilon", RouterMlp.BN_EPS, "momentum", 1f - RouterMlp.BN_MOMENTUM)).get(0);
    }

    private static ONNXRef<?> tensor(ONNXContext ctx, WeightSet w, String name) {
        FloatTensor t = w.get(name);
        List<Integer> dims = new ArrayList<>();
        for (int s : t.shape()) {
            dims.add(s);
        }
        return ctx.floatTensor(name, dims, buf -> buf.put(t.data()));
    }
}
