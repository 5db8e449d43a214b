package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import dev.twin.core.tensor.WeightSet;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A classifier: a feature trunk shared by all tasks and one linear head per task. The forward pass takes any weight
 * set, so the same code runs the base model, an expert, a static merge or a Twin-Merging materialization.
 *
 * <p>Weight names (the one convention of the project): trunk parameters are {@code trunk.<layer>.<param>},
 * e.g. {@code trunk.0.weight} [out, in], {@code trunk.0.bias} [out]; the head of task t is {@code head.<t>.weight}
 * [classes, featureDim] and {@code head.<t>.bias} [classes]. Heads match the regex {@link #HEAD_REGEX} and are never
 * merged.
 */
public interface Architecture {
    String HEAD_REGEX = "head\\..*";

    /** Registry name, e.g. "mlp" or "cnn". */
    String name();

    /** Serializable description (name + sizes) that {@link Architectures#create} turns back into this object. */
    ArchitectureSpec spec();

    /** Shape of one input example, without the batch dimension (e.g. [784] or [1, 28, 28]). */
    int[] inputShape();

    /** Size of the feature vector the trunk produces (the router's input dimension). */
    int featureDim();

    /** Fresh trunk parameters, seeded. */
    WeightSet initTrunk(long seed);

    /** Fresh head parameters for task {@code task} with {@code classes} outputs, seeded. */
    WeightSet initHead(String task, int classes, long seed);

    /** Name and shape of every trunk tensor, in the order {@link #initTrunk} produces them. */
    Map<String, int[]> trunkShapes();

    /**
     * Trunk features [B, featureDim] for a batch x [B, prod(inputShape)] (or [B, inputShape...]; reshaped inside),
     * every parameterized layer called through {@code layers}: a plain weight set ({@link DenseLayers}) or θ* with
     * the exclusive experts kept factored and one set of merge weights per example.
     */
    NDArray features(Layers layers, NDArray x);

    /**
     * Trunk features over the {@code trunk.*} entries of params. The params may be attached to a gradient collector
     * (training) or not (inference).
     */
    default NDArray features(Map<String, NDArray> params, NDArray x) {
        return features(new DenseLayers(name(), trunkShapes(), params), x);
    }

    /** Logits of task {@code task}: its head applied to {@link #features}. */
    default NDArray logits(Map<String, NDArray> params, String task, NDArray x) {
        return head(params, task, features(params, x));
    }

    /** features·Wᵀ + b with the head of task {@code task} found in {@code params}. */
    static NDArray head(Map<String, NDArray> params, String task, NDArray features) {
        NDArray w = params.get("head." + task + ".weight");
        NDArray b = params.get("head." + task + ".bias");
        if (w == null || b == null) {
            throw new IllegalArgumentException("weight set has no head for task '" + task + "'");
        }
        return features.matMul(w.transpose()).add(b);
    }

    /**
     * Appends to an ONNX graph the nodes computing the trunk features from {@code input} (a float [batch, prod(
     * inputShape)] tensor), with the trunk weights baked in as initializers. Returns the reference to the features
     * [batch, featureDim].
     */
    ONNXRef<?> exportFeatures(ONNXContext ctx, ONNXRef<?> input, WeightSet trunk);
}
