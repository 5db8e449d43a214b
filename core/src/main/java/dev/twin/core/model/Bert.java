package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
    private static final String E = PREFIX + "embeddings.";

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
    public NDArray features(Layers layers, NDArray x) {
        NDArray flat = ParamCheck.flatInput(NAME, x, inputShape());
        long batch = flat.getShape().get(0);
        int h = config.hiddenSize();
        NDManager m = flat.getManager();
        NDArray ids = flat.get(":, 0:" + length).toType(DataType.INT64, false);
        checkIds(ids);
        NDArray mask = flat.get(":, " + length + ":");
        // embeddings: E_word[id] + E_pos[t] + E_type[0], then LayerNorm; positions and types are the same ids for
        // every example ([1, L] and [1, 1]), made on x's manager so the lookups live there, not with the weights
        NDArray words = layers.embedding(E + "word_embeddings", ids);
        NDArray positions = layers.embedding(E + "position_embeddings",
                m.arange(0, length, 1, DataType.INT64).reshape(1, length));
        NDArray types = layers.embedding(E + "token_type_embeddings", m.zeros(new Shape(1, 1), DataType.INT64));
        NDArray e = words.add(positions).add(types).reshape(batch * length, h);
        NDArray hidden = layers.layerNorm(E + "LayerNorm", e, eps);
        // attention bias: 0 where mask = 1, -max where mask = 0, broadcast over heads and query positions
        NDArray bias = mask.neg().add(1f).mul(MASKED).reshape(batch, 1, 1, length);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            hidden = layer(layers, PREFIX + BertLayout.layer(i), hidden, bias, batch);
        }
        // mean pooling: Σ_t mask_t·h_t / max(Σ_t mask_t, 1e-9)
        NDArray states = hidden.reshape(batch, length, h);
        NDArray summed = states.mul(mask.reshape(batch, length, 1)).sum(new int[] {1});
        NDArray count = mask.sum(new int[] {1}, true).maximum(1e-9f);
        return summed.div(count);
    }

    /** One encoder layer on hidden [B·L, H]. */
    private NDArray layer(Layers layers, String p, NDArray x, NDArray bias, long batch) {
        int heads = config.numAttentionHeads();
        int hs = config.headSize();
        NDArray q = layers.linear(p + BertLayout.QUERY, x).reshape(batch, length, heads, hs).transpose(0, 2, 1, 3);
        NDArray k = layers.linear(p + BertLayout.KEY, x).reshape(batch, length, heads, hs).transpose(0, 2, 3, 1);
        NDArray v = layers.linear(p + BertLayout.VALUE, x).reshape(batch, length, heads, hs).transpose(0, 2, 1, 3);
        // softmax(Q·Kᵀ / √d + bias)·V per head, heads concatenated back to [B·L, H]
        NDArray scores = q.matMul(k).div((float) Math.sqrt(hs)).add(bias);
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch * length,
                config.hiddenSize());
        NDArray a = layers.layerNorm(p + BertLayout.ATTENTION_NORM,
                layers.linear(p + BertLayout.ATTENTION_OUT, context).add(x), eps);
        NDArray f = gelu(layers.linear(p + BertLayout.INTERMEDIATE, a));
        return layers.layerNorm(p + BertLayout.OUTPUT_NORM, layers.linear(p + BertLayout.OUTPUT, f).add(a), eps);
    }

    // gelu(x) = x/2 · (1 + erf(x/√2)), the exact form BERT uses
    private static NDArray gelu(NDArray x) {
        return x.mul(0.5f).mul(x.div((float) Math.sqrt(2)).erf().add(1f));
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
