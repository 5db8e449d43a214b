package dev.twin.core.model;

import dev.twin.core.bert.BertConfig;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;

/**
 * A second, deliberately plain BERT forward in double precision, one example at a time with explicit loops
 * (no shared code with {@link Bert}): padded keys are skipped in the softmax instead of masked additively.
 */
final class ReferenceBert {
    private final BertConfig c;
    private final WeightSet w;

    ReferenceBert(BertConfig c, WeightSet trunk) {
        this.c = c;
        this.w = trunk;
    }

    /** Mean-pooled features of one example. */
    double[] features(int[] ids, int[] mask) {
        int len = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[len][h];
        for (int t = 0; t < len; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = at("embeddings.word_embeddings.weight", ids[t], j)
                        + at("embeddings.position_embeddings.weight", t, j)
                        + at("embeddings.token_type_embeddings.weight", 0, j);
            }
            x[t] = norm(x[t], "embeddings.LayerNorm");
        }
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            double[][] q = new double[len][];
            double[][] k = new double[len][];
            double[][] v = new double[len][];
            for (int t = 0; t < len; t++) {
                q[t] = linear(x[t], p + "attention.self.query");
                k[t] = linear(x[t], p + "attention.self.key");
                v[t] = linear(x[t], p + "attention.self.value");
            }
            int hs = c.headSize();
            double[][] next = new double[len][];
            for (int t = 0; t < len; t++) {
                double[] ctx = new double[h];
                for (int head = 0; head < c.numAttentionHeads(); head++) {
                    int o = head * hs;
                    double[] s = new double[len];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < len; u++) {
                        if (mask[u] == 0) {
                            continue;
                        }
                        for (int d = 0; d < hs; d++) {
                            s[u] += q[t][o + d] * k[u][o + d];
                        }
                        s[u] /= Math.sqrt(hs);
                        max = Math.max(max, s[u]);
                    }
                    double z = 0;
                    for (int u = 0; u < len; u++) {
                        s[u] = mask[u] == 0 ? 0 : Math.exp(s[u] - max);
                        z += s[u];
                    }
                    for (int u = 0; u < len; u++) {
                        for (int d = 0; d < hs; d++) {
                            ctx[o + d] += s[u] / z * v[u][o + d];
                        }
                    }
                }
                double[] a = add(linear(ctx, p + "attention.output.dense"), x[t]);
                a = norm(a, p + "attention.output.LayerNorm");
                double[] f = linear(a, p + "intermediate.dense");
                for (int j = 0; j < f.length; j++) {
                    f[j] = 0.5 * f[j] * (1 + erf(f[j] / Math.sqrt(2)));
                }
                next[t] = norm(add(linear(f, p + "output.dense"), a), p + "output.LayerNorm");
            }
            x = next;
        }
        double[] pooled = new double[h];
        int n = 0;
        for (int t = 0; t < len; t++) {
            if (mask[t] == 1) {
                n++;
                for (int j = 0; j < h; j++) {
                    pooled[j] += x[t][j];
                }
            }
        }
        for (int j = 0; j < h; j++) {
            pooled[j] /= n;
        }
        return pooled;
    }

    private double at(String name, int row, int col) {
        FloatTensor t = w.get("trunk." + name);
        return t.data()[row * t.shape()[1] + col];
    }

    private double[] linear(double[] in, String module) {
        FloatTensor wt = w.get("trunk." + module + ".weight");
        FloatTensor b = w.get("trunk." + module + ".bias");
        int out = wt.shape()[0];
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b.data()[o];
            for (int i = 0; i < in.length; i++) {
                s += wt.data()[o * in.length + i] * in[i];
            }
            y[o] = s;
        }
        return y;
    }

    private double[] norm(double[] in, String module) {
        double mean = 0;
        for (double v : in) {
            mean += v / in.length;
        }
        double var = 0;
        for (double v : in) {
            var += (v - mean) * (v - mean) / in.length;
        }
        float[] g = w.get("trunk." + module + ".weight").data();
        float[] b = w.get("trunk." + module + ".bias").data();
        double[] y = new double[in.length];
        for (int j = 0; j < in.length; j++) {
            y[j] = (in[j] - mean) / Math.sqrt(var + c.layerNormEps()) * g[j] + b[j];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    /** erf by its Taylor series (|x| ≤ 3) or asymptotic complement, to ~1e-12: enough for a float comparison. */
    static double erf(double x) {
        if (Math.abs(x) > 3) {
            // erfc(x) ≈ e^{-x²}/(x√π)·(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶)); below 2e-5 and shrinking fast
            double ax = Math.abs(x);
            double x2 = ax * ax;
            double erfc = Math.exp(-x2) / (ax * Math.sqrt(Math.PI))
                    * (1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2));
            return Math.signum(x) * (1 - erfc);
        }
        // erf(x) = 2/√π · Σ_n (−1)^n x^{2n+1} / (n! (2n+1))
        double term = x;
        double sum = x;
        for (int n = 1; n < 80; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
