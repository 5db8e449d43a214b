package dev.twin.core.router;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.model.Layers;
import dev.twin.core.onnx.OnnxOps;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Random;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/** Test-only architecture: features = relu(x·Wᵀ + b), one Linear layer; exported as Gemm + Relu. */
final class TinyArchitecture implements Architecture {
    private final int in;
    private final int features;

    TinyArchitecture(int in, int features) {
        this.in = in;
        this.features = features;
    }

    @Override
    public String name() {
        return "tiny";
    }

    @Override
    public ArchitectureSpec spec() {
        return new ArchitectureSpec("tiny", List.of(in), List.of(features));
    }

    @Override
    public int[] inputShape() {
        return new int[] {in};
    }

    @Override
    public int featureDim() {
        return features;
    }

    @Override
    public WeightSet initTrunk(long seed) {
        Random r = new Random(seed);
        return new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {features, in}, gaussian(r, features * in, 1 / Math.sqrt(in))))
                .put("trunk.0.bias", FloatTensor.of(new int[] {features}, gaussian(r, features, 0.1)));
    }

    @Override
    public WeightSet initHead(String task, int classes, long seed) {
        Random r = new Random(seed);
        return new WeightSet()
                .put("head." + task + ".weight", FloatTensor.of(new int[] {classes, features}, gaussian(r, classes * features, 0.1)))
                .put("head." + task + ".bias", FloatTensor.zeros(classes));
    }

    @Override
    public Map<String, int[]> trunkShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("trunk.0.weight", new int[] {features, in});
        m.put("trunk.0.bias", new int[] {features});
        return m;
    }

    @Override
    public NDArray features(Layers layers, NDArray x) {
        return Activation.relu(layers.linear("trunk.0", x));
    }

    @Override
    public ONNXRef<?> exportFeatures(ONNXContext ctx, ONNXRef<?> input, WeightSet trunk) {
        List<ONNXRef<?>> args = new ArrayList<>();
        for (Entry<String, FloatTensor> e : trunk.asMap().entrySet()) {
            FloatTensor t = e.getValue();
            List<Integer> dims = t.rank() == 2 ? List.of(t.shape()[0], t.shape()[1]) : List.of(t.shape()[0]);
            args.add(ctx.floatTensor(e.getKey(), dims, b -> b.put(t.data())));
        }
        ONNXRef<?> gemm = input.apply(ONNXOperators.GEMM, args, List.of("trunk.0.out"), Map.of("transB", 1)).get(0);
        return gemm.apply(OnnxOps.RELU);
    }

    static float[] gaussian(Random r, int n, double sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextGaussian() * sd);
        }
        return out;
    }
}
