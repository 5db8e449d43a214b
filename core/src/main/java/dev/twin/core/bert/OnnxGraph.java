package dev.twin.core.bert;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.twin.core.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Navigation in an ONNX graph: initializers by name, the node producing each value and the nodes consuming it, and
 * decoding of float tensors and numeric scalars. Errors name the file.
 */
final class OnnxGraph {
    private final Path file;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final List<NodeProto> nodes;

    OnnxGraph(Path file, OnnxMl.GraphProto graph) {
        this.file = file;
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        this.nodes = graph.getNodeList();
        for (NodeProto n : nodes) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    Path file() {
        return file;
    }

    List<NodeProto> nodes() {
        return nodes;
    }

    Map<String, TensorProto> initializers() {
        return initializers;
    }

    boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    List<NodeProto> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    Optional<NodeProto> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** The single consumer of {@code value} with op type {@code op}, if any (the first when several). */
    Optional<NodeProto> consumer(String value, String op) {
        return consumers(value).stream().filter(n -> n.getOpType().equals(op)).findFirst();
    }

    /** Initializer {@code name} as float32 values with its dims; only FLOAT tensors are accepted. */
    FloatTensor floatTensor(String name) {
        TensorProto t = initializers.get(name);
        if (t == null) {
            throw error("has no initializer '" + name + "'");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw error("initializer '" + name + "' has data type " + t.getDataType() + ", expected FLOAT (1)");
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw error("initializer '" + name + "' is stored in an external file (not supported)");
        }
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(t.getDims(i));
        }
        int n = Math.toIntExact(FloatTensor.numel(shape));
        float[] data = new float[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4L * n) {
                throw error("initializer '" + name + "' holds " + t.getRawData().size() + " bytes, expected " + 4L * n);
            }
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            if (t.getFloatDataCount() != n) {
                throw error("initializer '" + name + "' holds " + t.getFloatDataCount() + " floats, expected " + n);
            }
            for (int i = 0; i < n; i++) {
                data[i] = t.getFloatData(i);
            }
        }
        return new FloatTensor(shape, data);
    }

    /** The first element of a constant value (a Constant node's tensor or an initializer) as a double, if constant. */
    Optional<Double> scalar(String value) {
        TensorProto t = initializers.get(value);
        if (t == null) {
            NodeProto p = producers.get(value);
            if (p == null || !p.getOpType().equals("Constant")) {
                return Optional.empty();
            }
            t = p.getAttributeList().stream().filter(a -> a.getName().equals("value")).findFirst()
                    .map(OnnxMl.AttributeProto::getT).orElse(null);
            if (t == null) {
                return Optional.empty();
            }
        }
        return firstNumber(t);
    }

    private static Optional<Double> firstNumber(TensorProto t) {
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        if (type == TensorProto.DataType.FLOAT.getNumber()) {
            return raw.remaining() >= 4 ? Optional.of((double) raw.getFloat(0))
                    : t.getFloatDataCount() > 0 ? Optional.of((double) t.getFloatData(0)) : Optional.empty();
        }
        if (type == TensorProto.DataType.INT64.getNumber()) {
            return raw.remaining() >= 8 ? Optional.of((double) raw.getLong(0))
                    : t.getInt64DataCount() > 0 ? Optional.of((double) t.getInt64Data(0)) : Optional.empty();
        }
        if (type == TensorProto.DataType.DOUBLE.getNumber()) {
            return raw.remaining() >= 8 ? Optional.of(raw.getDouble(0))
                    : t.getDoubleDataCount() > 0 ? Optional.of(t.getDoubleData(0)) : Optional.empty();
        }
        return Optional.empty();
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(file + ": ONNX graph " + message);
    }
}
