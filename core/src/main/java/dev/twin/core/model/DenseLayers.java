package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;

/**
 * {@link Layers} over one plain weight set (training under autograd, a static merge, θ*, a materialized θ(w)): every
 * example of the batch uses the same tensors. Each tensor is checked against the architecture's shape when used, so a
 * wrong weight set fails naming the tensor.
 */
public final class DenseLayers implements Layers {
    private final String arch;
    private final Map<String, int[]> shapes;
    private final Map<String, NDArray> params;

    /**
     * @param arch   name used in error messages
     * @param shapes expected shape of every tensor a forward pass may read
     * @param params the weight set
     */
    public DenseLayers(String arch, Map<String, int[]> shapes, Map<String, NDArray> params) {
        this.arch = arch;
        this.shapes = shapes;
        this.params = params;
    }

    /** The tensor {@code name}, checked against its expected shape. */
    public NDArray param(String name) {
        int[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException(arch + ": the architecture has no tensor '" + name + "'");
        }
        return ParamCheck.param(arch, params, name, shape);
    }

    @Override
    public NDArray linear(String module, NDArray x) {
        // x·Wᵀ + b
        return Linear.linear(x, param(module + ".weight"), param(module + ".bias")).singletonOrThrow();
    }

    @Override
    public NDArray conv2d(String module, NDArray x, int stride, int padding) {
        return Conv2d.conv2d(x, param(module + ".weight"), param(module + ".bias"), new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

    @Override
    public NDArray embedding(String module, NDArray ids) {
        // indexed by ids (the caller's array) first, so the result lives on the caller's manager
        return Embedding.embedding(ids, param(module + ".weight"), SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public NDArray layerNorm(String module, NDArray x, float eps) {
        // (x − mean) / √(var + eps) · γ + β over the last axis (biased variance, as PyTorch)
        long n = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(n), param(module + ".weight"), param(module + ".bias"), eps)
                .singletonOrThrow();
    }
}
