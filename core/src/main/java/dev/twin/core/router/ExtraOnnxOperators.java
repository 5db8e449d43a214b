package dev.twin.core.router;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * ONNX operators that tribuo's {@link ONNXOperators} lacks, at the same opset. At opset 13 BatchNormalization is
 * version 9 (inference form: inputs X, scale, B, mean, var; Y = (X − mean)/√(var + epsilon)·scale + B).
 */
public enum ExtraOnnxOperators implements ONNXOperator {
    /** BatchNormalization(X, scale, B, input_mean, input_var), attributes epsilon, momentum. */
    BATCH_NORMALIZATION("BatchNormalization", 5, 1,
            attr("epsilon", AttributeType.FLOAT), attr("momentum", AttributeType.FLOAT)),
    /** LeakyRelu(X): x ≥ 0 ? x : alpha·x, attribute alpha. */
    LEAKY_RELU("LeakyRelu", 1, 1, attr("alpha", AttributeType.FLOAT));

    private final String opName;
    private final int numInputs;
    private final int numOutputs;
    private final Map<String, ONNXAttribute> attributes;

    ExtraOnnxOperators(String opName, int numInputs, int numOutputs, ONNXAttribute... attrs) {
        this.opName = opName;
        this.numInputs = numInputs;
        this.numOutputs = numOutputs;
        Map<String, ONNXAttribute> m = new LinkedHashMap<>();
        for (ONNXAttribute a : attrs) {
            m.put(a.getName(), a);
        }
        this.attributes = Collections.unmodifiableMap(m);
    }

    private static ONNXAttribute attr(String name, AttributeType type) {
        return new ONNXAttribute(name, type, false);
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
        return 0;
    }

    @Override
    public int getNumOutputs() {
        return numOutputs;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Collections.emptySet();
    }

    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    /** The default ONNX domain, like tribuo's own operators. */
    @Override
    public String getOpDomain() {
        return null;
    }
}
