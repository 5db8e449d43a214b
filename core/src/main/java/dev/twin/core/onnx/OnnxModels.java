package dev.twin.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;

/** The ModelProto framing every export shares: IR version 8 and tribuo's opset import around a built graph. */
public final class OnnxModels {
    /** ONNX IR version 8 (ONNX 1.10), readable by the bundled ONNX Runtime. */
    public static final long IR_VERSION = 8;

    private OnnxModels() {
    }

    /** A model builder holding {@code ctx}'s graph; callers may add producer name and metadata before build(). */
    public static OnnxMl.ModelProto.Builder builder(ONNXContext ctx) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setGraph(ctx.buildGraph());
    }
}
