package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.twin.core.tensor.WeightSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Multi-layer perceptron "mlp": trunk layers {@code trunk.i} with widths {@code spec.hidden()}, each Linear then ReLU;
 * the features are the last ReLU output. Inputs of any shape are flattened.
 */
public final class Mlp implements Architecture {
    public static final String NAME = "mlp";

    private final ArchitectureSpec spec;
    private final int[] inputShape;
    private final int inputDim;
    private final int[] widths;
    private final Map<String, int[]> shapes;

    public Mlp(ArchitectureSpec spec) {
        if (!NAME.equals(spec.name())) {
            throw new IllegalArgumentException("Mlp cannot build architecture '" + spec.name() + "'");
        }
        if (spec.inputShape() == null || spec.inputShape().isEmpty()) {
            throw new IllegalArgumentException("mlp: input shape is empty");
        }
        if (spec.hidden() == null || spec.hidden().isEmpty()) {
            throw new IllegalArgumentException("mlp: needs at least one hidden width, got " + spec.hidden());
        }
        this.spec = new ArchitectureSpec(NAME, List.copyOf(spec.inputShape()), List.copyOf(spec.hidden()));
        this.inputShape = toInts(spec.inputShape(), "input shape");
        this.inputDim = ParamCheck.prod(inputShape);
        this.widths = toInts(spec.hidden(), "hidden widths");
        Map<String, int[]> s = new LinkedHashMap<>();
        int in = inputDim;
        for (int i = 0; i < widths.length; i++) {
            s.put("trunk." + i + ".weight", new int[] {widths[i], in});
            s.put("trunk." + i + ".bias", new int[] {widths[i]});
            in = widths[i];
        }
        this.shapes = Collections.unmodifiableMap(s);
    }

    static int[] toInts(List<Integer> values, String what) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            Integer v = values.get(i);
            if (v == null || v <= 0) {
                throw new IllegalArgumentException("architecture " + what + " must be positive, got " + values);
            }
            out[i] = v;
        }
        return out;
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
        return widths[widths.length - 1];
    }

    @Override
    public Map<String, int[]> trunkShapes() {
        return shapes;
    }

    @Override
    public WeightSet initTrunk(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        WeightSet w = new WeightSet();
        shapes.forEach((name, shape) -> {
            int fanIn = name.endsWith(".weight") ? shape[1] : shapes.get(name.replace(".bias", ".weight"))[1];
            w.put(name, Init.uniform(rng, shape, fanIn));
        });
        return w;
    }

    @Override
    public WeightSet initHead(String task, int classes, long seed) {
        return Heads.init(task, classes, featureDim(), seed);
    }

    @Override
    public NDArray features(Layers layers, NDArray x) {
        NDArray h = ParamCheck.flatInput(NAME, x, inputShape);
        for (int i = 0; i < widths.length; i++) {
            h = Activation.relu(layers.linear("trunk." + i, h)); // h = relu(h·Wᵀ + b)
        }
        return h;
    }

    @Override
    public ONNXRef<?> exportFeatures(ONNXContext ctx, ONNXRef<?> input, WeightSet trunk) {
        ONNXRef<?> h = input;
        for (int i = 0; i < widths.length; i++) {
            String w = "trunk." + i + ".weight";
            String b = "trunk." + i + ".bias";
            h = OnnxLayers.relu(ctx, OnnxLayers.dense(ctx, h,
                    OnnxLayers.weight(ctx, NAME, trunk, w, shapes.get(w)),
                    OnnxLayers.weight(ctx, NAME, trunk, b, shapes.get(b))));
        }
        return h;
    }

    @Override
    public String toString() {
        return "mlp" + spec.inputShape() + "->" + spec.hidden();
    }
}
