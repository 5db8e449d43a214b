package dev.twin.core.bert;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A hand-built ONNX graph with the structure of a PyTorch BERT export (not runnable: only what the importer reads).
 * Node names are meaningless and the anonymous MatMul weights are listed in shuffled order; every value of the
 * weight of Linear module number r (in {@link #MODULES} order, layer-major) equals 100·layer + r, so a test can see
 * where each one went.
 */
final class TinyOnnxBert {
    static final String[] MODULES = {BertLayout.QUERY, BertLayout.KEY, BertLayout.VALUE, BertLayout.ATTENTION_OUT,
        BertLayout.INTERMEDIATE, BertLayout.OUTPUT};
    static final int HIDDEN = 4;
    static final int HEADS = 2;
    static final int FF = 8;
    static final int LAYERS = 2;

    private final List<TensorProto> inits = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private int counter;
    /** Drop the bias Add of this module (layer 1), to test the error. */
    String missingBiasAdd;
    /** Make this module (layer 1) add the query bias instead of its own. */
    String stealsQueryBias;

    OnnxMl.ModelProto build() {
        floats("embeddings.word_embeddings.weight", new int[] {10, HIDDEN}, 0.5f);
        floats("embeddings.position_embeddings.weight", new int[] {6, HIDDEN}, 0.25f);
        floats("embeddings.token_type_embeddings.weight", new int[] {2, HIDDEN}, 0.125f);
        floats("embeddings.LayerNorm.weight", new int[] {HIDDEN}, 1f);
        floats("embeddings.LayerNorm.bias", new int[] {HIDDEN}, 0f);
        // (x − mean) / Sqrt(ReduceMean(…) + eps) · weight + bias, eps = 1e-5
        constant("eps", OnnxMl.TensorProto.DataType.FLOAT, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1e-5f).array(), new int[0]);
        node("Add", List.of("var", "eps"), "var_eps");
        node("Sqrt", List.of("var_eps"), "std");
        node("Div", List.of("centered", "std"), "normed");
        node("Mul", List.of("normed", "embeddings.LayerNorm.weight"), "scaled");
        node("Add", List.of("scaled", "embeddings.LayerNorm.bias"), "h0");
        List<TensorProto> weights = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            String p = BertLayout.layer(layer);
            for (int r = 0; r < MODULES.length; r++) {
                String module = MODULES[r];
                int out = module.equals(BertLayout.INTERMEDIATE) ? FF : HIDDEN;
                int in = module.equals(BertLayout.OUTPUT) ? FF : HIDDEN;
                String w = "onnx::MatMul_" + (900 + counter++);
                weights.add(tensor(w, new int[] {in, out}, 100f * layer + r));
                floats(p + module + ".bias", new int[] {out}, 0f);
                node("MatMul", List.of("x" + counter, w), "mm" + counter);
                boolean thief = layer == 1 && module.equals(stealsQueryBias);
                if (!(layer == 1 && module.equals(missingBiasAdd))) {
                    String bias = thief ? p + BertLayout.QUERY + ".bias" : p + module + ".bias";
                    node("Add", List.of(bias, "mm" + counter), module.equals(BertLayout.QUERY) ? "q" + layer
                            : "a" + counter);
                }
            }
            for (String norm : new String[] {BertLayout.ATTENTION_NORM, BertLayout.OUTPUT_NORM}) {
                floats(p + norm + ".weight", new int[] {HIDDEN}, 1f);
                floats(p + norm + ".bias", new int[] {HIDDEN}, 0f);
            }
            // queries split into heads: Reshape(q, Concat(batch, length, heads, head size))
            constant("heads" + layer, TensorProto.DataType.INT64, longBytes(HEADS), new int[] {1});
            constant("size" + layer, TensorProto.DataType.INT64, longBytes(HIDDEN / HEADS), new int[] {1});
            node("Concat", List.of("batch", "length", "heads" + layer, "size" + layer), "split" + layer);
            node("Reshape", List.of("q" + layer, "split" + layer), "qh" + layer);
        }
        Collections.shuffle(weights, new Random(7));
        inits.addAll(weights);
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("tiny").addAllInitializer(inits)
                .addAllNode(nodes).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setGraph(g).build();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private void node(String op, List<String> in, String out) {
        nodes.add(NodeProto.newBuilder().setOpType(op).setName("n" + nodes.size()).addAllInput(in).addOutput(out)
                .build());
    }

    private void constant(String out, TensorProto.DataType type, byte[] raw, int[] dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(type.getNumber()).setRawData(ByteString.copyFrom(raw));
        for (int d : dims) {
            t.addDims(d);
        }
        nodes.add(NodeProto.newBuilder().setOpType("Constant").setName("n" + nodes.size()).addOutput(out)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t)).build());
    }

    private void floats(String name, int[] dims, float value) {
        inits.add(tensor(name, dims, value));
    }

    /** A FLOAT tensor whose values are value + i/1000 (i the flat index), so a transpose is visible. */
    static TensorProto tensor(String name, int[] dims, float value) {
        int n = 1;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT
                .getNumber());
        for (int d : dims) {
            n *= d;
            t.addDims(d);
        }
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(value + i / 1000f);
        }
        return t.setRawData(ByteString.copyFrom(b.array())).build();
    }
}
