package dev.twin.executor.grpc;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;

/** A plain-Java forward pass of the mlp (no DJL): the independent answer the service's logits are checked against. */
final class Reference {
    private Reference() {
    }

    /** logits = W_h·relu(W_L·…relu(W_0·x + b_0)… + b_L) + b_h, for one row x. */
    static float[] mlpLogits(WeightSet trunk, WeightSet head, String task, float[] x) {
        double[] h = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = x[i];
        }
        for (int layer = 0; trunk.contains("trunk." + layer + ".weight"); layer++) {
            h = affine(trunk.get("trunk." + layer + ".weight"), trunk.get("trunk." + layer + ".bias"), h);
            for (int i = 0; i < h.length; i++) {
                h[i] = Math.max(0, h[i]);
            }
        }
        double[] y = affine(head.get("head." + task + ".weight"), head.get("head." + task + ".bias"), h);
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) y[i];
        }
        return out;
    }

    // y = W·h + b with W [out, in]
    private static double[] affine(FloatTensor w, FloatTensor b, double[] h) {
        int out = w.shape()[0];
        int in = w.shape()[1];
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b.data()[o];
            for (int i = 0; i < in; i++) {
                s += w.data()[o * in + i] * h[i];
            }
            y[o] = s;
        }
        return y;
    }
}
