package dev.twin.core.model;

import dev.twin.core.onnx.OnnxOps;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/** Graph-building steps shared by the trunks' ONNX export. */
final class OnnxLayers {
    private OnnxLayers() {
    }

    /** The trunk tensor {@code name} (checked against {@code shape}) as a graph initializer. */
    static ONNXInitializer weight(ONNXContext ctx, String arch, WeightSet trunk, String name, int[] shape) {
        FloatTensor t = ParamCheck.tensor(arch, trunk, name, shape);
        List<Integer> dims = Arrays.stream(shape).boxed().collect(Collectors.toList());
        return ctx.floatTensor(name, dims, fb -> fb.put(t.data()));
    }

    /** y = x·Wᵀ + b (Gemm with transB = 1). */
    static ONNXRef<?> dense(ONNXContext ctx, ONNXRef<?> x, ONNXRef<?> w, ONNXRef<?> b) {
        return ctx.operation(ONNXOperators.GEMM, List.of(x, w, b), "dense", Map.of("transB", 1));
    }

    static ONNXRef<?> relu(ONNXContext ctx, ONNXRef<?> x) {
        return ctx.operation(OnnxOps.RELU, List.of(x), "relu", Map.of());
    }
}
