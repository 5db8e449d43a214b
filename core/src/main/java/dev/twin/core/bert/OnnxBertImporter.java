package dev.twin.core.bert;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.CodedInputStream;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a BERT encoder exported to ONNX by PyTorch (as Hugging Face's optimum / transformers exports do) into
 * Hugging Face parameter names.
 *
 * <p>Embeddings, biases and LayerNorm parameters keep their module names as initializer names in such exports, but
 * the Linear weights become anonymous MatMul operands ({@code onnx::MatMul_885}). Each one's role is recovered from
 * the graph: the MatMul that consumes it feeds an Add whose other operand is a named bias
 * ({@code encoder.layer.3.attention.self.key.bias}), so the weight is that module's {@code .weight}. MatMul
 * operands are [in, out] and are transposed to PyTorch's [out, in]. The number of heads comes from the Reshape
 * that splits the queries into heads, and layer_norm_eps from the constant added to the variance.
 */
public final class OnnxBertImporter {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final String WORD = "embeddings.word_embeddings.weight";
    private static final String POSITION = "embeddings.position_embeddings.weight";
    private static final String TOKEN_TYPE = "embeddings.token_type_embeddings.weight";

    private OnnxBertImporter() {
    }

    /** Reads {@code onnxFile}; every structural problem fails naming the file and the tensor or node involved. */
    public static ImportedBert read(Path onnxFile) {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(onnxFile)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (IOException e) {
            throw new IllegalArgumentException(onnxFile + ": cannot read an ONNX model: " + e.getMessage(), e);
        }
        return read(onnxFile, model);
    }

    /** Same, for an already parsed model ({@code source} only names it in messages). */
    public static ImportedBert read(Path source, OnnxMl.ModelProto model) {
        OnnxGraph g = new OnnxGraph(source, model.getGraph());
        BertConfig config = config(g);
        Map<String, String> sources = linearSources(g);
        WeightSet weights = new WeightSet();
        BertLayout.shapes(config).forEach((name, shape) -> {
            FloatTensor t;
            String linear = sources.get(name);
            if (linear != null) {
                t = transpose(g.floatTensor(linear));
            } else if (g.isInitializer(name)) {
                t = g.floatTensor(name);
            } else if (name.endsWith(".weight") && !name.contains("LayerNorm") && !name.startsWith("embeddings.")) {
                throw g.error("has no MatMul weight for '" + name + "' (no MatMul feeds an Add with "
                        + name.replace(".weight", ".bias") + ")");
            } else {
                throw g.error("has no initializer '" + name + "'");
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw g.error("tensor for '" + name + "'" + (linear != null ? " (from " + linear + ", transposed)" : "")
                        + " has shape " + t.shapeString() + ", expected " + Arrays.toString(shape));
            }
            weights.put(name, t);
        });
        return new ImportedBert(config, weights, sources);
    }

    /**
     * HF Linear weight name → the ONNX initializer holding it, found by following each MatMul with an initializer
     * operand to the Add that adds a named bias.
     */
    static Map<String, String> linearSources(OnnxGraph g) {
        Map<String, String> roles = new LinkedHashMap<>();
        for (NodeProto mm : g.nodes()) {
            if (!mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) {
                continue;
            }
            if (g.isInitializer(mm.getInput(0))) {
                throw g.error("MatMul node '" + mm.getName() + "' has its weight '" + mm.getInput(0)
                        + "' as first operand (expected x·W)");
            }
            String w = mm.getInput(1);
            if (!g.isInitializer(w)) {
                continue; // activation × activation: the attention products
            }
            String bias = null;
            for (NodeProto add : g.consumers(mm.getOutput(0))) {
                if (!add.getOpType().equals("Add")) {
                    continue;
                }
                for (String in : add.getInputList()) {
                    if (!in.equals(mm.getOutput(0)) && g.isInitializer(in) && in.endsWith(".bias")) {
                        bias = in;
                    }
                }
            }
            if (bias == null) {
                throw g.error("MatMul node '" + mm.getName() + "' with weight '" + w
                        + "' feeds no Add with a named bias, so its role is unknown");
            }
            String role = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            String previous = roles.put(role, w);
            if (previous != null) {
                throw g.error("two MatMul weights ('" + previous + "' and '" + w + "') both add bias '" + bias + "'");
            }
        }
        return roles;
    }

    static BertConfig config(OnnxGraph g) {
        FloatTensor word = g.floatTensor(WORD);
        int hidden = word.shape()[1];
        int layers = 0;
        for (String name : g.initializers().keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (layers == 0) {
            throw g.error("has no initializer named encoder.layer.<i>.* (not a BERT export with module names)");
        }
        String intermediateBias = BertLayout.layer(0) + BertLayout.INTERMEDIATE + ".bias";
        int intermediate = dims(g, intermediateBias)[0];
        int heads = heads(g, hidden);
        return BertConfig.of(hidden, layers, heads, intermediate, word.shape()[0], dims(g, POSITION)[0],
                dims(g, TOKEN_TYPE)[0], layerNormEps(g));
    }

    private static int[] dims(OnnxGraph g, String name) {
        OnnxMl.TensorProto t = g.initializers().get(name);
        if (t == null) {
            throw g.error("has no initializer '" + name + "'");
        }
        return t.getDimsList().stream().mapToInt(Math::toIntExact).toArray();
    }

    /** Heads from Reshape(query, Concat(batch, length, heads, head_size)) in layer 0. */
    private static int heads(OnnxGraph g, int hidden) {
        String qBias = BertLayout.layer(0) + BertLayout.QUERY + ".bias";
        Optional<Double>[] found = headSplit(g, qBias);
        if (found == null || found[0].isEmpty() || found[1].isEmpty()) {
            throw g.error("cannot find the number of attention heads: expected the query Add of layer 0 (with '"
                    + qBias + "') to feed Reshape(query, Concat(batch, length, heads, head_size))");
        }
        int heads = (int) Math.round(found[0].get());
        int headSize = (int) Math.round(found[1].get());
        if (heads * headSize != hidden) {
            throw g.error("splits queries into " + heads + " heads of " + headSize + " but hidden size is " + hidden);
        }
        return heads;
    }

    @SuppressWarnings("unchecked")
    private static Optional<Double>[] headSplit(OnnxGraph g, String qBias) {
        for (NodeProto add : g.consumers(qBias)) {
            if (!add.getOpType().equals("Add")) {
                continue;
            }
            Optional<NodeProto> reshape = g.consumer(add.getOutput(0), "Reshape");
            Optional<NodeProto> concat = reshape.flatMap(r -> g.producer(r.getInput(1)))
                    .filter(n -> n.getOpType().equals("Concat") && n.getInputCount() == 4);
            if (concat.isPresent()) {
                return new Optional[] {g.scalar(concat.get().getInput(2)), g.scalar(concat.get().getInput(3))};
            }
        }
        return null;
    }

    /**
     * eps of the embeddings LayerNorm: the attribute of a fused LayerNormalization, or the constant in
     * (x − mean) / Sqrt(ReduceMean(…) + eps) · weight as PyTorch's decomposed export writes it.
     */
    private static double layerNormEps(OnnxGraph g) {
        String weight = "embeddings.LayerNorm.weight";
        for (NodeProto n : g.consumers(weight)) {
            if (n.getOpType().equals("LayerNormalization")) {
                return n.getAttributeList().stream().filter(a -> a.getName().equals("epsilon")).findFirst()
                        .map(a -> (double) a.getF()).orElse(1e-5);
            }
            if (n.getOpType().equals("Mul")) {
                Optional<Double> eps = g.producer(other(n, weight)).filter(d -> d.getOpType().equals("Div"))
                        .flatMap(d -> g.producer(d.getInput(1))).filter(s -> s.getOpType().equals("Sqrt"))
                        .flatMap(s -> g.producer(s.getInput(0))).filter(a -> a.getOpType().equals("Add"))
                        .flatMap(a -> g.scalar(a.getInput(1)).or(() -> g.scalar(a.getInput(0))));
                if (eps.isPresent()) {
                    // the constant is float32: 1e-12 arrives as 9.9999999e-13, so snap to the decimal it stands for
                    return Double.parseDouble(Float.toString(eps.get().floatValue()));
                }
            }
        }
        throw g.error("cannot find layer_norm_eps: '" + weight + "' is used neither by a LayerNormalization node nor "
                + "by Mul(Div(x − mean, Sqrt(var + eps)), weight)");
    }

    private static String other(NodeProto n, String input) {
        return n.getInput(0).equals(input) ? n.getInput(1) : n.getInput(0);
    }

    /** [in, out] → [out, in]: t[o][i] = w[i][o]. */
    static FloatTensor transpose(FloatTensor w) {
        if (w.rank() != 2) {
            throw new IllegalArgumentException("MatMul weight has shape " + w.shapeString() + ", expected 2-D");
        }
        int in = w.shape()[0];
        int out = w.shape()[1];
        float[] src = w.data();
        float[] dst = new float[src.length];
        for (int i = 0; i < in; i++) {
            int row = i * out;
            for (int o = 0; o < out; o++) {
                dst[o * in + i] = src[row + o];
            }
        }
        return new FloatTensor(new int[] {out, in}, dst);
    }
}
