package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import dev.twin.core.onnx.OnnxOps;
import dev.twin.core.tensor.WeightSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Small convolutional network "cnn" over [C, H, W] inputs, {@code spec.hidden() = [c1, c2, fc]}:
 * conv3x3(c1, pad 1) → ReLU → maxpool 2 → conv3x3(c2, pad 1) → ReLU → maxpool 2 → flatten → Linear(fc) → ReLU.
 * Layers are {@code trunk.0} (conv), {@code trunk.1} (conv), {@code trunk.2} (fc); conv kernels are [out, in, 3, 3].
 * Pooling floors odd sizes, as ONNX MaxPool and torch max_pool2d do by default.
 */
public final class Cnn implements Architecture {
    public static final String NAME = "cnn";
    private static final int K = 3;

    private final ArchitectureSpec spec;
    private final int[] inputShape;
    private final int c1;
    private final int c2;
    private final int fc;
    private final int flatDim;
    private final Map<String, int[]> shapes;

    public Cnn(ArchitectureSpec spec) {
        if (!NAME.equals(spec.name())) {
            throw new IllegalArgumentException("Cnn cannot build architecture '" + spec.name() + "'");
        }
        if (spec.inputShape() == null || spec.inputShape().size() != 3) {
            throw new IllegalArgumentException("cnn: input shape must be [channels, height, width], got "
                    + spec.inputShape());
        }
        if (spec.hidden() == null || spec.hidden().size() != 3) {
            throw new IllegalArgumentException("cnn: hidden must be [conv1 channels, conv2 channels, fc width], got "
                    + spec.hidden());
        }
        this.spec = new ArchitectureSpec(NAME, List.copyOf(spec.inputShape()), List.copyOf(spec.hidden()));
        this.inputShape = Mlp.toInts(spec.inputShape(), "input shape");
        int[] h = Mlp.toInts(spec.hidden(), "hidden sizes");
        this.c1 = h[0];
        this.c2 = h[1];
        this.fc = h[2];
        int hOut = inputShape[1] / 2 / 2;
        int wOut = inputShape[2] / 2 / 2;
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException("cnn: input " + spec.inputShape() + " is too small for two 2x2 pools"
                    + " (height and width must be at least 4)");
        }
        this.flatDim = c2 * hOut * wOut;
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("trunk.0.weight", new int[] {c1, inputShape[0], K, K});
        s.put("trunk.0.bias", new int[] {c1});
        s.put("trunk.1.weight", new int[] {c2, c1, K, K});
        s.put("trunk.1.bias", new int[] {c2});
        s.put("trunk.2.weight", new int[] {fc, flatDim});
        s.put("trunk.2.bias", new int[] {fc});
        this.shapes = Collections.unmodifiableMap(s);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ArchitectureSpec spec() {
        return spec;
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int featureDim() {
        return fc;
    }

    @Override
    public Map<String, int[]> trunkShapes() {
        return shapes;
    }

    @Override
    public WeightSet initTrunk(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] fanIn = {inputShape[0] * K * K, c1 * K * K, flatDim};
        WeightSet w = new WeightSet();
        for (int i = 0; i < 3; i++) {
            w.put("trunk." + i + ".weight", Init.uniform(rng, shapes.get("trunk." + i + ".weight"), fanIn[i]));
            w.put("trunk." + i + ".bias", Init.uniform(rng, shapes.get("trunk." + i + ".bias"), fanIn[i]));
        }
        return w;
    }

    @Override
    public WeightSet initHead(String task, int classes, long seed) {
        return Heads.init(task, classes, fc, seed);
    }

    @Override
    public NDArray features(Layers layers, NDArray x) {
        NDArray flat = ParamCheck.flatInput(NAME, x, inputShape);
        long batch = flat.getShape().get(0);
        NDArray h = flat.reshape(batch, inputShape[0], inputShape[1], inputShape[2]);
        h = reluPool(layers.conv2d("trunk.0", h, 1, 1));
        h = reluPool(layers.conv2d("trunk.1", h, 1, 1));
        // fc: relu(flatten(h)·Wᵀ + b), flatten in (channel, row, col) order
        return Activation.relu(layers.linear("trunk.2", h.reshape(batch, flatDim)));
    }

    // maxpool2(relu(c)) after a conv3x3 with pad 1
    private static NDArray reluPool(NDArray c) {
        return Pool.maxPool2d(Activation.relu(c), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }

    @Override
    public ONNXRef<?> exportFeatures(ONNXContext ctx, ONNXRef<?> input, WeightSet trunk) {
        ONNXRef<?> h = ctx.operation(OnnxOps.RESHAPE,
                List.of(input, ctx.array("image_shape", new long[] {-1, inputShape[0], inputShape[1], inputShape[2]})),
                "image", Map.of());
        for (int i = 0; i < 2; i++) {
            ONNXRef<?> conv = ctx.operation(OnnxOps.CONV, List.of(h, weight(ctx, trunk, i, "weight"),
                    weight(ctx, trunk, i, "bias")), "conv",
                    Map.of("kernel_shape", new int[] {K, K}, "pads", new int[] {1, 1, 1, 1},
                            "strides", new int[] {1, 1}));
            h = ctx.operation(OnnxOps.MAX_POOL, List.of(OnnxLayers.relu(ctx, conv)), "pool",
                    Map.of("kernel_shape", new int[] {2, 2}, "strides", new int[] {2, 2}));
        }
        ONNXRef<?> flat = ctx.operation(OnnxOps.FLATTEN, List.of(h), "flat", Map.of("axis", 1));
        return OnnxLayers.relu(ctx, OnnxLayers.dense(ctx, flat, weight(ctx, trunk, 2, "weight"),
                weight(ctx, trunk, 2, "bias")));
    }

    private org.tribuo.util.onnx.ONNXInitializer weight(ONNXContext ctx, WeightSet trunk, int layer, String kind) {
        String name = "trunk." + layer + "." + kind;
        return OnnxLayers.weight(ctx, NAME, trunk, name, shapes.get(name));
    }

    @Override
    public String toString() {
        return "cnn" + spec.inputShape() + "->" + spec.hidden();
    }
}
