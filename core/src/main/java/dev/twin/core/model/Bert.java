package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.bert.BertLayout;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXRef;

/**
 * BERT encoder "bert" (Hugging Face BertModel without pooler) with mean pooling over the attention mask as features:
 * embeddings (word + position + token type 0) → LayerNorm → N post-LN encoder layers (multi-head self-attention,
 * residual, LayerNorm; Linear → exact erf GELU → Linear, residual, LayerNorm) → mean of the token states where
 * mask = 1.
 *
 * <p><b>Input convention.</b> inputShape is [2, L]: an example is 2·L floats, row 0 the token ids and row 1 the
 * attention mask (1 = token, 0 = padding), so text batches are float[] rows like every other dataset of the project
 * (ids below 2^24 are exact in float32). {@link dev.twin.core.bert.BertTokenizer} produces such rows.
 *
 * <p><b>Names.</b> Trunk parameters are the Hugging Face names prefixed with {@code trunk.}, embeddings included
 * (they are fine-tuned and merged like any other trunk tensor), e.g. {@code trunk.embeddings.word_embeddings.weight},
 * {@code trunk.encoder.layer.0.attention.self.query.weight} [out, in]. See {@link BertLayout}.
 *
 * <p><b>Spec.</b> {@code hidden = [hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
 * vocab_size, max_position_embeddings, type_vocab_size, k]} with layer_norm_eps = 10^-k; {@link BertConfig#toSpec}
 * builds it.
 */
public final class Bert implements Architecture {
    public static final String NAME = "bert";
    public static final String PREFIX = "trunk.";
    /** Additive attention bias on padded keys: the most negative float, as Hugging Face uses (softmax gives 0). */
    private static final float MASKED = -Float.MAX_VALUE;

    private final ArchitectureSpec spec;
    private final BertConfig config;
    private final int length;
    private final float eps;
    private final Map<String, int[]> shapes;

    public Bert(ArchitectureSpec spec) {
        if (!NAME.equals(spec.name())) {
            throw new IllegalArgumentException("Bert cannot build architecture '" + spec.name() + "'");
        }
        if (spec.inputShape() == null || spec.inputShape().size() != 2 || !Integer.valueOf(2).equals(
                spec.inputShape().get(0)) || spec.inputShape().get(1) == null) {
            throw new IllegalArgumentException("bert: input shape must be [2, sequence length] (row 0 token ids, "
                    + "row 1 attention mask), got " + spec.inputShape());
        }
        this.config = BertConfig.fromSpec(spec);
        this.length = spec.inputShape().get(1);
        this.spec = config.toSpec(length);
        this.eps = (float) config.layerNormEps();
        Map<String, int[]> s = new LinkedHashMap<>();
        BertLayout.shapes(config).forEach((name, shape) -> s.put(PREFIX + name, shape));
        this.shapes = Collections.unmodifiableMap(s);
    }

    /** The architecture for {@code config} over sequences of {@code maxLength} tokens. */
    public static Bert of(BertConfig config, int maxLength) {
        return new Bert(config.toSpec(maxLength));
    }

    public BertConfig config() {
        return config;
    }

    /** Sequence length L of the inputs. */
    public int maxLength() {
        return length;
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
        return new int[] {2, length};
    }

    @Override
    public int featureDim() {
        return config.hiddenSize();
    }

    @Override
    public Map<String, int[]> trunkShapes() {
        return shapes;
    }

    /** Hugging Face's BertModel init: weights and embeddings N(0, 0.02²), biases 0, LayerNorm weights 1. */
    @Override
    public WeightSet initTrunk(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        WeightSet w = new WeightSet();
        shapes.forEach((name, shape) -> {
            FloatTensor t = FloatTensor.zeros(shape);
            float[] d = t.data();
            if (name.contains("LayerNorm.weight")) {
                Arrays.fill(d, 1f);
            } else if (name.endsWith(".weight")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (0.02 * rng.nextGaussian());
                }
            }
            w.put(name, t);
        });
        return w;
    }

    @Override
    public WeightSet initHead(String task, int classes, long seed) {
        return Heads.init(task, classes, featureDim(), seed);
    }

    @Override
    public NDArray features(Map<String, NDArray> params, NDArray x) {
        NDArray flat = ParamCheck.flatInput(NAME, x, inputShape());
        long batch = flat.getShape().get(0);
        int h = config.hiddenSize();
        NDManager m = flat.getManager();
        NDArray ids = flat.get(":, 0:" + length).toType(DataType.INT64, false);
        checkIds(ids);
        NDArray mask = flat.get(":, " + length + ":");
        // embeddings: E_word[id] + E_pos[t] + E_type[0], then LayerNorm; lookups are indexed by arrays of x's
        // manager so the results live there, not in the params' manager
        NDArray words = lookup(ids, p(params, "embeddings.word_embeddings.weight"));
        NDArray positions = lookup(m.arange(0, length, 1, DataType.INT64), p(params,
                "embeddings.position_embeddings.weight"));
        NDArray types = lookup(m.zeros(new Shape(1), DataType.INT64), p(params,
                "embeddings.token_type_embeddings.weight"));
        NDArray e = words.add(positions).add(types).reshape(batch * length, h);
        NDArray hidden = layerNorm(e, params, "embeddings.LayerNorm");
        // attention bias: 0 where mask = 1, -max where mask = 0, broadcast over heads and query positions
        NDArray bias = mask.neg().add(1f).mul(MASKED).reshape(batch, 1, 1, length);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            hidden = layer(params, BertLayout.layer(i), hidden, bias, batch);
        }
        // mean pooling: Σ_t mask_t·h_t / max(Σ_t mask_t, 1e-9)
        NDArray states = hidden.reshape(batch, length, h);
        NDArray summed = states.mul(mask.reshape(batch, length, 1)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1e-9f);
        return summed.div(count);
    }

    /** One encoder layer on hidden [B·L, H]. */
    private NDArray layer(Map<String, NDArray> params, String p, NDArray x, NDArray bias, long batch) {
        int heads = config.numAttentionHeads();
        int hs = config.headSize();
        NDArray q = dense(x, params, p + BertLayout.QUERY).reshape(batch, length, heads, hs).transpose(0, 2, 1, 3);
        NDArray k = dense(x, params, p + BertLayout.KEY).reshape(batch, length, heads, hs).transpose(0, 2, 3, 1);
        NDArray v = dense(x, params, p + BertLayout.VALUE).reshape(batch, length, heads, hs).transpose(0, 2, 1, 3);
        // softmax(Q·Kᵀ / √d + bias)·V per head, heads concatenated back to [B·L, H]
        NDArray scores = q.matMul(k).div((float) Math.sqrt(hs)).add(bias);
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch * length,
                config.hiddenSize());
        NDArray a = layerNorm(dense(context, params, p + BertLayout.ATTENTION_OUT).add(x), params,
                p + BertLayout.ATTENTION_NORM);
        NDArray f = gelu(dense(a, params, p + BertLayout.INTERMEDIATE));
        return layerNorm(dense(f, params, p + BertLayout.OUTPUT).add(a), params, p + BertLayout.OUTPUT_NORM);
    }

    // x·Wᵀ + b
    private NDArray dense(NDArray x, Map<String, NDArray> params, String module) {
        return Linear.linear(x, p(params, module + ".weight"), p(params, module + ".bias")).singletonOrThrow();
    }

    // (x − mean) / √(var + eps) · γ + β over the last axis (biased variance, as PyTorch)
    private NDArray layerNorm(NDArray x, Map<String, NDArray> params, String module) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), p(params, module + ".weight"),
                p(params, module + ".bias"), eps).singletonOrThrow();
    }

    // gelu(x) = x/2 · (1 + erf(x/√2)), the exact form BERT uses
    private static NDArray gelu(NDArray x) {
        return x.mul(0.5f).mul(x.div((float) Math.sqrt(2)).erf().add(1f));
    }

    private static NDArray lookup(NDArray indices, NDArray table) {
        return Embedding.embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private void checkIds(NDArray ids) {
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= config.vocabSize()) {
            throw new IllegalArgumentException("bert: token ids must be in [0, " + config.vocabSize()
                    + ") (vocab_size), got ids from " + min + " to " + max
                    + " (is row 0 of each example the ids and row 1 the mask?)");
        }
    }

    private NDArray p(Map<String, NDArray> params, String hfName) {
        String name = PREFIX + hfName;
        return ParamCheck.param(NAME, params, name, shapes.get(name));
    }

    /** The same computation as {@link #features} as ONNX opset-13 nodes; input float [N, 2L], output [N, hidden]. */
    @Override
    public ONNXRef<?> exportFeatures(ONNXContext ctx, ONNXRef<?> input, WeightSet trunk) {
        return new BertOnnx(ctx, trunk, shapes, config, length).features(input);
    }

    @Override
    public String toString() {
        return "bert[L=" + length + ", hidden=" + config.hiddenSize() + ", layers=" + config.numHiddenLayers() + "]";
    }
}
