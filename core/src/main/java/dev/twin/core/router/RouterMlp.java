package dev.twin.core.router;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The router MLP of TWIN-MERGING.md in DJL: Linear(d→2d) → BatchNorm → LeakyReLU → Dropout(0.5) → Linear(2d→2d) →
 * BatchNorm → LeakyReLU → Dropout(0.5) → Linear(2d→T), with PyTorch's defaults: LeakyReLU slope 0.01, BatchNorm
 * eps 1e-5 and momentum 0.1 (running_var tracks the unbiased batch variance), nn.Linear's uniform ±1/√fan_in init.
 * Layers are numbered 0..4 as in the weight names (dropout carries no weights, so it has no number).
 */
final class RouterMlp {
    static final float LEAKY_SLOPE = 0.01f;
    static final float BN_EPS = 1e-5f;
    static final float BN_MOMENTUM = 0.1f;
    static final float DROPOUT = 0.5f;
    static final String[] LINEARS = {"router.0", "router.2", "router.4"};
    static final String[] NORMS = {"router.1", "router.3"};

    private RouterMlp() {
    }

    /** Names and shapes of every router tensor, in order. */
    static WeightSet shapes(int d, int t) {
        int h = 2 * d;
        WeightSet ws = new WeightSet();
        linear(ws, "router.0", h, d);
        norm(ws, "router.1", h);
        linear(ws, "router.2", h, h);
        norm(ws, "router.3", h);
        linear(ws, "router.4", t, h);
        return ws;
    }

    private static void linear(WeightSet ws, String p, int out, int in) {
        ws.put(p + ".weight", FloatTensor.zeros(out, in));
        ws.put(p + ".bias", FloatTensor.zeros(out));
    }

    private static void norm(WeightSet ws, String p, int n) {
        ws.put(p + ".gamma", FloatTensor.zeros(n));
        ws.put(p + ".beta", FloatTensor.zeros(n));
        ws.put(p + ".running_mean", FloatTensor.zeros(n));
        ws.put(p + ".running_var", FloatTensor.zeros(n));
    }

    /** Fresh parameters: Linear W, b ~ U(−1/√in, 1/√in); BatchNorm gamma 1, beta 0, running mean 0, var 1. */
    static WeightSet init(int d, int t, long seed) {
        Random rng = new Random(seed);
        WeightSet ws = shapes(d, t);
        for (String name : ws.names()) {
            float[] data = ws.get(name).data();
            if (name.endsWith(".weight") || name.endsWith(".bias")) {
                int fanIn = name.startsWith("router.0") ? d : 2 * d;
                double bound = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
            } else if (name.endsWith(".gamma") || name.endsWith(".running_var")) {
                Arrays.fill(data, 1f);
            }
        }
        return ws;
    }

    /** True for tensors trained by gradient (not the BatchNorm running statistics). */
    static boolean trainable(String name) {
        return !name.endsWith(".running_mean") && !name.endsWith(".running_var");
    }

    /**
     * Logits [n, T] of features x [n, d]. In training mode BatchNorm normalizes with the batch statistics and updates
     * the running ones in place, and dropout is applied; in inference mode BatchNorm uses the running statistics and
     * dropout is the identity. Every new array is attached to x's manager (the batch operand comes first).
     */
    static NDArray forward(Map<String, NDArray> p, NDArray x, boolean training) {
        NDArray h = x;
        for (int layer = 0; layer < 2; layer++) {
            h = Linear.linear(h, p.get(LINEARS[layer] + ".weight"), p.get(LINEARS[layer] + ".bias")).singletonOrThrow();
            h = batchNorm(p, NORMS[layer], h, training);
            h = Activation.leakyRelu(h, LEAKY_SLOPE);
            if (training) {
                h = dropout(h);
            }
        }
        return Linear.linear(h, p.get("router.4.weight"), p.get("router.4.bias")).singletonOrThrow();
    }

    /** y = (x − μ)/√(σ² + eps)·gamma + beta; training: μ, σ² of the batch (biased), else the running ones. */
    static NDArray batchNorm(Map<String, NDArray> p, String prefix, NDArray x, boolean training) {
        NDArray runningMean = p.get(prefix + ".running_mean");
        NDArray runningVar = p.get(prefix + ".running_var");
        NDArray normalized;
        if (training) {
            long n = x.getShape().get(0);
            NDArray mean = x.mean(new int[] {0});
            NDArray centered = x.sub(mean);
            NDArray var = centered.square().mean(new int[] {0});
            normalized = centered.div(var.add(BN_EPS).sqrt());
            // running ← (1 − m)·running + m·batch, with the unbiased variance σ²·n/(n − 1), as PyTorch
            runningMean.muli(1 - BN_MOMENTUM).addi(mean.stopGradient().mul(BN_MOMENTUM));
            runningVar.muli(1 - BN_MOMENTUM).addi(var.stopGradient().mul(BN_MOMENTUM * n / (double) (n - 1)));
        } else {
            normalized = x.sub(runningMean).div(runningVar.add(BN_EPS).sqrt());
        }
        return normalized.mul(p.get(prefix + ".gamma")).add(p.get(prefix + ".beta"));
    }

    /** Inverted dropout: keep each unit with probability 1 − p and scale kept ones by 1/(1 − p). */
    private static NDArray dropout(NDArray h) {
        NDArray keep = h.getManager().randomUniform(0f, 1f, h.getShape()).gte(DROPOUT).toType(DataType.FLOAT32, false);
        return h.mul(keep).mul(1f / (1f - DROPOUT));
    }
}
