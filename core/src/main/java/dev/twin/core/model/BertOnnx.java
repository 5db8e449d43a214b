package dev.twin.core.model;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.bert.BertLayout;
import dev.twin.core.onnx.OnnxOps;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * The ONNX graph of {@link Bert#features} at opset 13, op for op the same computation (LayerNorm decomposed, since
 * LayerNormalization needs opset 17): input float [N, 2L] (ids | mask), output [N, hidden].
 */
final class BertOnnx {
    private final ONNXContext ctx;
    private final WeightSet trunk;
    private final Map<String, int[]> shapes;
    private final BertConfig c;
    private final int length;

    BertOnnx(ONNXContext ctx, WeightSet trunk, Map<String, int[]> shapes, BertConfig config, int length) {
        this.ctx = ctx;
        this.trunk = trunk;
        this.shapes = shapes;
        this.c = config;
        this.length = length;
    }

    ONNXRef<?> features(ONNXRef<?> input) {
        int h = c.hiddenSize();
        ONNXRef<?> idsF = op(OnnxOps.SLICE, List.of(input, ints("ids_start", 0), ints("ids_end", length),
                ints("ids_axis", 1)), "ids_f");
        ONNXRef<?> mask = op(OnnxOps.SLICE, List.of(input, ints("mask_start", length), ints("mask_end", 2L * length),
                ints("mask_axis", 1)), "mask");
        ONNXRef<?> ids = ctx.operation(ONNXOperators.CAST, List.of(idsF), "ids",
                Map.of("to", TensorProto.DataType.INT64.getNumber()));
        long[] positions = new long[length];
        for (int t = 0; t < length; t++) {
            positions[t] = t;
        }
        // E_word[id] + E_pos[t] + E_type[0] → [N, L, H] → [N·L, H]
        ONNXRef<?> words = gather(w("embeddings.word_embeddings.weight"), ids);
        ONNXRef<?> pos = gather(w("embeddings.position_embeddings.weight"), ctx.array("positions", positions));
        ONNXRef<?> type = gather(w("embeddings.token_type_embeddings.weight"), ctx.array("type_zero", new long[] {0}));
        ONNXRef<?> e = op(ONNXOperators.ADD, List.of(op(ONNXOperators.ADD, List.of(words, pos), "wp"), type), "emb");
        ONNXRef<?> x = layerNorm(reshape(e, -1, h), "embeddings.LayerNorm");
        // bias = (1 − mask)·(−max float), [N, 1, 1, L]
        ONNXRef<?> inverted = op(ONNXOperators.SUB, List.of(ctx.constant("one", 1f), mask), "unmasked");
        ONNXRef<?> bias = reshape(op(ONNXOperators.MUL, List.of(inverted, ctx.constant("masked", -Float.MAX_VALUE)),
                "bias"), -1, 1, 1, length);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            x = layer(BertLayout.layer(i), x, bias);
        }
        // Σ_t mask_t·h_t / max(Σ_t mask_t, 1e-9)
        ONNXRef<?> states = reshape(x, -1, length, h);
        ONNXRef<?> weighted = op(ONNXOperators.MUL, List.of(states, reshape(mask, -1, length, 1)), "weighted");
        ONNXRef<?> summed = ctx.operation(ONNXOperators.REDUCE_SUM, List.of(weighted, ints("pool_axis", 1)), "summed",
                Map.of("keepdims", 0));
        ONNXRef<?> count = ctx.operation(ONNXOperators.REDUCE_SUM, List.of(mask, ints("count_axis", 1)), "count",
                Map.of("keepdims", 1));
        ONNXRef<?> safe = op(OnnxOps.MAX, List.of(count, ctx.constant("tiny", 1e-9f)), "count_safe");
        return op(ONNXOperators.DIV, List.of(summed, safe), "pooled");
    }

    private ONNXRef<?> layer(String p, ONNXRef<?> x, ONNXRef<?> bias) {
        int heads = c.numAttentionHeads();
        int hs = c.headSize();
        ONNXRef<?> q = transpose(reshape(dense(x, p + BertLayout.QUERY), -1, length, heads, hs), 0, 2, 1, 3);
        ONNXRef<?> k = transpose(reshape(dense(x, p + BertLayout.KEY), -1, length, heads, hs), 0, 2, 3, 1);
        ONNXRef<?> v = transpose(reshape(dense(x, p + BertLayout.VALUE), -1, length, heads, hs), 0, 2, 1, 3);
        ONNXRef<?> scores = op(ONNXOperators.ADD, List.of(op(ONNXOperators.DIV, List.of(op(OnnxOps.MAT_MUL,
                List.of(q, k), "qk"), ctx.constant("sqrt_d", (float) Math.sqrt(hs))), "scaled"), bias), "scores");
        ONNXRef<?> probs = ctx.operation(ONNXOperators.SOFTMAX, List.of(scores), "probs", Map.of("axis", -1));
        ONNXRef<?> context = reshape(transpose(op(OnnxOps.MAT_MUL, List.of(probs, v), "context"), 0, 2, 1, 3),
                -1, c.hiddenSize());
        ONNXRef<?> a = layerNorm(op(ONNXOperators.ADD, List.of(dense(context, p + BertLayout.ATTENTION_OUT), x),
                "residual"), p + BertLayout.ATTENTION_NORM);
        ONNXRef<?> f = gelu(dense(a, p + BertLayout.INTERMEDIATE));
        return layerNorm(op(ONNXOperators.ADD, List.of(dense(f, p + BertLayout.OUTPUT), a), "residual"),
                p + BertLayout.OUTPUT_NORM);
    }

    // x·Wᵀ + b
    private ONNXRef<?> dense(ONNXRef<?> x, String module) {
        return OnnxLayers.dense(ctx, x, w(module + ".weight"), w(module + ".bias"));
    }

    // (x − mean) / √(mean((x − mean)²) + eps) · γ + β over the last axis
    private ONNXRef<?> layerNorm(ONNXRef<?> x, String module) {
        ONNXRef<?> mean = ctx.operation(ONNXOperators.REDUCE_MEAN, List.of(x), "mean",
                Map.of("axes", new int[] {-1}, "keepdims", 1));
        ONNXRef<?> d = op(ONNXOperators.SUB, List.of(x, mean), "centered");
        ONNXRef<?> var = ctx.operation(ONNXOperators.REDUCE_MEAN, List.of(op(ONNXOperators.MUL, List.of(d, d), "sq")),
                "var", Map.of("axes", new int[] {-1}, "keepdims", 1));
        ONNXRef<?> std = op(OnnxOps.SQRT, List.of(op(ONNXOperators.ADD, List.of(var,
                ctx.constant("eps", (float) c.layerNormEps())), "var_eps")), "std");
        ONNXRef<?> normed = op(ONNXOperators.DIV, List.of(d, std), "normed");
        return op(ONNXOperators.ADD, List.of(op(ONNXOperators.MUL, List.of(normed, w(module + ".weight")), "scaled"),
                w(module + ".bias")), "norm");
    }

    // x/2 · (1 + erf(x/√2))
    private ONNXRef<?> gelu(ONNXRef<?> x) {
        ONNXRef<?> erf = op(OnnxOps.ERF, List.of(op(ONNXOperators.DIV, List.of(x, ctx.constant("sqrt2",
                (float) Math.sqrt(2))), "x_sqrt2")), "erf");
        ONNXRef<?> half = op(ONNXOperators.MUL, List.of(x, ctx.constant("half", 0.5f)), "half_x");
        return op(ONNXOperators.MUL, List.of(half, op(ONNXOperators.ADD, List.of(erf, ctx.constant("one", 1f)),
                "erf_1")), "gelu");
    }

    private ONNXRef<?> gather(ONNXRef<?> table, ONNXRef<?> indices) {
        return ctx.operation(ONNXOperators.GATHER, List.of(table, indices), "lookup", Map.of("axis", 0));
    }

    private ONNXRef<?> reshape(ONNXRef<?> x, long... shape) {
        return op(OnnxOps.RESHAPE, List.of(x, ctx.array("shape", shape)), "reshaped");
    }

    private ONNXRef<?> transpose(ONNXRef<?> x, int... perm) {
        return ctx.operation(OnnxOps.TRANSPOSE, List.of(x), "transposed", Map.of("perm", perm));
    }

    private ONNXRef<?> ints(String name, long value) {
        return ctx.array(name, new long[] {value});
    }

    private ONNXRef<?> op(org.tribuo.util.onnx.ONNXOperator op, List<ONNXRef<?>> inputs, String name) {
        return ctx.operation(op, inputs, name, Map.of());
    }

    private ONNXRef<?> w(String hfName) {
        String name = Bert.PREFIX + hfName;
        return OnnxLayers.weight(ctx, Bert.NAME, trunk, name, shapes.get(name));
    }
}
