package dev.twin.core.train;

import dev.twin.core.suite.Split;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;

/**
 * An independent, plain-Java (double precision) one-hidden-layer MLP with softmax cross-entropy and full-batch
 * momentum SGD, written out by hand to check the DJL trainer against.
 */
final class ReferenceMlp {
    private ReferenceMlp() {
    }

    /** Full-batch training (every epoch is one step on all rows); trunk frozen unless trainTrunk. */
    static WeightSet train(WeightSet start, Split data, int classes, TrainConfig cfg, boolean trainTrunk) {
        int n = data.n();
        int d = data.dim();
        double[][] w0 = matrix(start.get("trunk.0.weight"));
        double[] b0 = vector(start.get("trunk.0.bias"));
        double[][] wh = matrix(start.get("head.t.weight"));
        double[] bh = vector(start.get("head.t.bias"));
        int h = b0.length;
        double[][] vw0 = new double[h][d];
        double[] vb0 = new double[h];
        double[][] vwh = new double[classes][h];
        double[] vbh = new double[classes];
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            double[][] gw0 = new double[h][d];
            double[] gb0 = new double[h];
            double[][] gwh = new double[classes][h];
            double[] gbh = new double[classes];
            for (int i = 0; i < n; i++) {
                double[] pre = new double[h];
                double[] act = new double[h];
                for (int j = 0; j < h; j++) {
                    pre[j] = b0[j];
                    for (int k = 0; k < d; k++) {
                        pre[j] += w0[j][k] * data.x()[i * d + k];
                    }
                    act[j] = Math.max(0, pre[j]);
                }
                double[] z = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    z[c] = bh[c];
                    for (int j = 0; j < h; j++) {
                        z[c] += wh[c][j] * act[j];
                    }
                    max = Math.max(max, z[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c] - max);
                }
                double[] dz = new double[classes];
                for (int c = 0; c < classes; c++) {
                    // dL/dz = (softmax(z) − onehot(y)) / n
                    dz[c] = (Math.exp(z[c] - max) / sum - (c == data.y()[i] ? 1 : 0)) / n;
                }
                double[] dact = new double[h];
                for (int c = 0; c < classes; c++) {
                    gbh[c] += dz[c];
                    for (int j = 0; j < h; j++) {
                        gwh[c][j] += dz[c] * act[j];
                        dact[j] += dz[c] * wh[c][j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    double dpre = pre[j] > 0 ? dact[j] : 0;
                    gb0[j] += dpre;
                    for (int k = 0; k < d; k++) {
                        gw0[j][k] += dpre * data.x()[i * d + k];
                    }
                }
            }
            update(wh, vwh, gwh, cfg);
            update(bh, vbh, gbh, cfg);
            if (trainTrunk) {
                update(w0, vw0, gw0, cfg);
                update(b0, vb0, gb0, cfg);
            }
        }
        return new WeightSet()
                .put("trunk.0.weight", tensor(w0))
                .put("trunk.0.bias", FloatTensor.of(new int[] {h}, floats(b0)))
                .put("head.t.weight", tensor(wh))
                .put("head.t.bias", FloatTensor.of(new int[] {classes}, floats(bh)));
    }

    private static void update(double[][] p, double[][] v, double[][] g, TrainConfig cfg) {
        for (int i = 0; i < p.length; i++) {
            update(p[i], v[i], g[i], cfg);
        }
    }

    private static void update(double[] p, double[] v, double[] g, TrainConfig cfg) {
        for (int i = 0; i < p.length; i++) {
            v[i] = cfg.momentum() * v[i] + g[i];
            p[i] -= cfg.lr() * v[i];
        }
    }

    private static double[][] matrix(FloatTensor t) {
        double[][] m = new double[t.rows()][t.cols()];
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < t.cols(); j++) {
                m[i][j] = t.data()[i * t.cols() + j];
            }
        }
        return m;
    }

    private static double[] vector(FloatTensor t) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.data()[i];
        }
        return v;
    }

    private static FloatTensor tensor(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                f[i * m[0].length + j] = (float) m[i][j];
            }
        }
        return FloatTensor.of(new int[] {m.length, m[0].length}, f);
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
