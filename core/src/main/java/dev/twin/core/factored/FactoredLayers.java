package dev.twin.core.factored;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import dev.twin.core.model.DenseLayers;
import dev.twin.core.model.Layers;
import java.util.Map;

/**
 * {@link Layers} of one batch whose B examples each bring merge weights w [B, T]: every layer is the base weight
 * set's layer plus the per-example deltas of the factored experts (TWIN-MERGING.md, "exact"). Lives for one batch.
 */
final class FactoredLayers implements Layers {
    private final DenseLayers base;
    private final Map<String, FactoredTensor> experts;
    private final NDArray w;
    private final long batch;

    FactoredLayers(DenseLayers base, Map<String, FactoredTensor> experts, NDArray w) {
        this.base = base;
        this.experts = experts;
        this.w = w;
        this.batch = w.getShape().get(0);
    }

    @Override
    public NDArray linear(String module, NDArray x) {
        NDArray y = base.linear(module, x);
        FactoredTensor weight = experts.get(module + ".weight");
        FactoredTensor bias = experts.get(module + ".bias");
        if (weight == null && bias == null) {
            return y;
        }
        long rows = y.getShape().get(0);
        long out = y.getShape().get(1);
        long k = rowsPerExample(module, rows);
        // y = x·W_baseᵀ + b_base + Σt wt·(x·v̂tᵀ) + Σt wt·b̂t, the last two per example
        if (weight != null) {
            y = y.add(weight.linearDelta(x, w, batch, k));
        }
        if (bias != null) {
            NDArray b = bias.rowDelta(w); // [B, out]
            y = k == 1 ? y.add(b) : y.reshape(batch, k, out).add(b.reshape(batch, 1, out)).reshape(rows, out);
        }
        return y;
    }

    @Override
    public NDArray conv2d(String module, NDArray x, int stride, int padding) {
        NDArray y = base.conv2d(module, x, stride, padding);
        FactoredTensor weight = experts.get(module + ".weight");
        FactoredTensor bias = experts.get(module + ".bias");
        if (weight == null && bias == null) {
            return y;
        }
        if (x.getShape().get(0) != batch) {
            throw new IllegalArgumentException("conv '" + module + "': input has " + x.getShape().get(0)
                    + " examples but the merge weights have " + batch + " rows");
        }
        if (weight != null) {
            y = y.add(weight.convDelta(x, w, stride, padding));
        }
        if (bias != null) {
            y = y.add(bias.rowDelta(w).reshape(batch, y.getShape().get(1), 1, 1));
        }
        return y;
    }

    @Override
    public NDArray embedding(String module, NDArray ids) {
        NDArray y = base.embedding(module, ids);
        FactoredTensor table = experts.get(module + ".weight");
        if (table == null) {
            return y;
        }
        long bi = ids.getShape().get(0);
        if (ids.getShape().dimension() != 2 || (bi != batch && bi != 1)) {
            throw new IllegalArgumentException("embedding '" + module + "': ids have shape " + ids.getShape()
                    + ", expected [" + batch + ", L] or [1, L]");
        }
        return y.add(table.embeddingDelta(ids, w)); // E_base[id] + Σt wt·Et[id]
    }

    @Override
    public NDArray layerNorm(String module, NDArray x, float eps) {
        FactoredTensor gamma = experts.get(module + ".weight");
        FactoredTensor beta = experts.get(module + ".bias");
        if (gamma == null && beta == null) {
            return base.layerNorm(module, x, eps);
        }
        long rows = x.getShape().get(0);
        long n = x.getShape().get(1);
        long k = rowsPerExample(module, rows);
        // normalize with γ = 1, β = 0 (exact), then each example's γ(w) = γ + Σt wt·γ̂t and β(w)
        NDArray normed = LayerNorm.layerNorm(x, new Shape(n), x.getManager().ones(new Shape(n)),
                x.getManager().zeros(new Shape(n)), eps).singletonOrThrow().reshape(batch, k, n);
        NDArray g = perExample(module + ".weight", gamma);
        NDArray b = perExample(module + ".bias", beta);
        return normed.mul(g).add(b).reshape(rows, n);
    }

    /** The base tensor [n] (same for every example) or base + Σt wt·v̂t as [B, 1, n]. */
    private NDArray perExample(String name, FactoredTensor expert) {
        NDArray p = base.param(name);
        if (expert == null) {
            return p;
        }
        return expert.rowDelta(w).add(p).reshape(batch, 1, p.getShape().get(0));
    }

    private long rowsPerExample(String module, long rows) {
        if (rows % batch != 0) {
            throw new IllegalArgumentException("layer '" + module + "': input has " + rows + " rows, not a multiple"
                    + " of the " + batch + " examples whose merge weights were given");
        }
        return rows / batch;
    }
}
