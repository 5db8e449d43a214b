package dev.twin.core.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as in PyTorch (Loshchilov and Hutter): p ← p·(1 − lr·λ) for decayed tensors, then m ← β1·m + (1−β1)·g,
 * v ← β2·v + (1−β2)·g², p ← p − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Decay applies to tensors of rank
 * ≥ 2 (matrices), not to biases and LayerNorm vectors, as BERT fine-tuning does. The moments live on each parameter's
 * manager; call {@link #step} inside an NDScope after backward.
 */
public final class AdamW implements AutoCloseable {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final double weightDecay;
    private int steps;

    /** Optimizes {@code trainable} (marked as requiring gradients here). */
    public AdamW(Map<String, NDArray> trainable, double weightDecay) {
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("AdamW: no parameter to optimize");
        }
        this.weightDecay = weightDecay;
        trainable.forEach((name, p) -> {
            p.setRequiresGradient(true);
            params.put(name, p);
            m.put(name, p.getManager().zeros(p.getShape()));
            v.put(name, p.getManager().zeros(p.getShape()));
        });
    }

    /** One update with learning rate lr; zeroes the gradients afterwards (PyTorch accumulates them). */
    public void step(double lr) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        params.forEach((name, p) -> {
            NDArray g = p.getGradient();
            if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                p.muli(1 - lr * weightDecay);
            }
            NDArray mt = m.get(name).muli(BETA1).addi(g.mul(1 - BETA1));
            NDArray vt = v.get(name).muli(BETA2).addi(g.square().muli(1 - BETA2));
            p.subi(mt.div(c1).divi(vt.div(c2).sqrt().addi(EPS)).muli(lr));
            g.subi(g);
        });
    }

    public int steps() {
        return steps;
    }

    /** Frees the moments and stops tracking gradients of the parameters. */
    @Override
    public void close() {
        params.values().forEach(p -> p.setRequiresGradient(false));
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
    }
}
