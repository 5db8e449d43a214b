package dev.twin.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * The opset-13 ONNX operators that tribuo's {@link ONNXOperators} lacks (same opset and domain), used by the model
 * trunks' and the router's export. Every operator has one output and no optional inputs beyond those counted.
 */
public enum OnnxOps implements ONNXOperator {
    /** Relu(X) = max(X, 0). */
    RELU("Relu", 1, 0),
    /** Reshape(data, shape int64[]). */
    RESHAPE("Reshape", 2, 0, attr("allowzero", AttributeType.INT)),
    /** Flatten(X) to 2-D at {@code axis}. */
    FLATTEN("Flatten", 1, 0, attr("axis", AttributeType.INT)),
    /** Conv(X, W, [B]) in NCHW. */
    CONV("Conv", 2, 1,
            attr("auto_pad", AttributeType.STRING), attr("dilations", AttributeType.INTS),
            attr("group", AttributeType.INT), attr("kernel_shape", AttributeType.INTS),
            attr("pads", AttributeType.INTS), attr("strides", AttributeType.INTS)),
    /** MaxPool(X) in NCHW; kernel_shape is mandatory. */
    MAX_POOL("MaxPool", 1, 0,
            attr("auto_pad", AttributeType.STRING), attr("ceil_mode", AttributeType.INT),
            attr("dilations", AttributeType.INTS), mandatory("kernel_shape", AttributeType.INTS),
            attr("pads", AttributeType.INTS), attr("storage_order", AttributeType.INT),
            attr("strides", AttributeType.INTS)),
    /** Inference BatchNormalization(X, scale, B, input_mean, input_var) (version 9 at opset 13):
     *  Y = (X − mean)/√(var + epsilon)·scale + B. */
    BATCH_NORMALIZATION("BatchNormalization", 5, 0,
            attr("epsilon", AttributeType.FLOAT), attr("momentum", AttributeType.FLOAT)),
    /** LeakyRelu(X) = X ≥ 0 ? X : alpha·X. */
    LEAKY_RELU("LeakyRelu", 1, 0, attr("alpha", AttributeType.FLOAT)),
    /** MatMul(A, B): numpy-style (batched) matrix product. */
    MAT_MUL("MatMul", 2, 0),
    /** Transpose(X) by {@code perm}. */
    TRANSPOSE("Transpose", 1, 0, attr("perm", AttributeType.INTS)),
    /** Sqrt(X), elementwise. */
    SQRT("Sqrt", 1, 0),
    /** Erf(X), elementwise (exact GELU). */
    ERF("Erf", 1, 0),
    /** Slice(data, starts, ends, [axes, steps]) with int64 index tensors. */
    SLICE("Slice", 3, 2),
    /** Max(A, B), elementwise with broadcasting. */
    MAX("Max", 2, 0);

    private final String opName;
    private final int numInputs;
    private final int numOptionalInputs;
    private final Map<String, ONNXAttribute> attributes;
    private final Set<String> mandatory;

    OnnxOps(String opName, int numInputs, int numOptionalInputs, ONNXAttribute... attrs) {
        this.opName = opName;
        this.numInputs = numInputs;
        this.numOptionalInputs = numOptionalInputs;
        Map<String, ONNXAttribute> m = new LinkedHashMap<>();
        for (ONNXAttribute a : attrs) {
            m.put(a.getName(), a);
        }
        this.attributes = Collections.unmodifiableMap(m);
        this.mandatory = m.values().stream().filter(ONNXAttribute::isMandatory).map(ONNXAttribute::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static ONNXAttribute attr(String name, AttributeType type) {
        return new ONNXAttribute(name, type, false);
    }

    private static ONNXAttribute mandatory(String name, AttributeType type) {
        return new ONNXAttribute(name, type, true);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return numInputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return numOptionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return mandatory;
    }

    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    @Override
    public String getOpDomain() {
        return ONNXOperators.IDENTITY.getOpDomain();
    }
}
