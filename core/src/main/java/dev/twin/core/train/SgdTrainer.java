package dev.twin.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.runtime.Progress;
import dev.twin.core.suite.Split;
import dev.twin.core.tensor.WeightSet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import me.tongfei.progressbar.ProgressBar;

/**
 * Mini-batch SGD with momentum on the cross-entropy of one task head, with DJL autograd. Only the parameters a
 * predicate selects (among the trunk and that task's head) are updated; the others stay frozen. Each epoch visits the examples in a fresh order drawn from
 * the config's seed; the last batch of an epoch may be smaller.
 */
public final class SgdTrainer {
    private final TrainConfig config;
    private final boolean progress;
    private String label;

    /** A trainer that shows a progress bar on stderr. */
    public SgdTrainer(TrainConfig config) {
        this(config, true);
    }

    public SgdTrainer(TrainConfig config, boolean progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Names the progress bar (default "train &lt;task&gt;"). */
    public SgdTrainer label(String text) {
        this.label = text;
        return this;
    }

    public TrainConfig config() {
        return config;
    }

    /**
     * Trains a copy of {@code weights} (it must hold the trunk and {@code head.<task>.*}) on {@code data} and returns
     * the updated copy; names for which {@code trainable} is false keep their values.
     */
    public WeightSet train(Architecture arch, WeightSet weights, Predicate<String> trainable, String task, Split data) {
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, weights);
            trainInPlace(arch, params, trainable, task, data);
            return Params.fromNd(params);
        }
    }

    /** Trains {@code params} in place; returns the mean training loss of each epoch. */
    public double[] trainInPlace(Architecture arch, Map<String, NDArray> params, Predicate<String> trainable,
                                 String task, Split data) {
        NDArray headW = params.get("head." + task + ".weight");
        if (headW == null) {
            throw new IllegalArgumentException("cannot train task '" + task + "': weight set has no head." + task
                    + ".weight (have " + params.keySet() + ")");
        }
        int classes = Math.toIntExact(headW.getShape().get(0));
        int dim = inputDim(arch);
        if (data.dim() != dim) {
            throw new IllegalArgumentException("task '" + task + "': data has " + data.dim() + " inputs per example, "
                    + arch.name() + " expects " + dim);
        }
        if (data.n() == 0) {
            throw new IllegalArgumentException("task '" + task + "': training split is empty");
        }
        data.checkLabels(task, classes);

        Map<String, NDArray> velocity = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        String head = "head." + task + ".";
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String n = e.getKey();
            // only the trunk and this task's head reach the loss; other heads get no gradient
            if (trainable.test(n) && (n.startsWith("trunk.") || n.startsWith(head))) {
                names.add(e.getKey());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("task '" + task + "': no parameter is selected for training");
        }
        for (String name : names) {
            NDArray p = params.get(name);
            p.setRequiresGradient(true);
            velocity.put(name, p.getManager().zeros(p.getShape()));
        }

        int batches = (data.n() + config.batch() - 1) / config.batch();
        double[] epochLoss = new double[config.epochs()];
        SplittableRandom rng = new SplittableRandom(config.seed());
        float[] xb = new float[config.batch() * dim];
        float[] yb = new float[config.batch() * classes];
        NDManager manager = headW.getManager();
        String barName = label != null ? label : "train " + task;
        try (ProgressBar bar = progress ? Progress.bar(barName, (long) batches * config.epochs(), " batches") : null) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                int[] order = Shuffle.permutation(data.n(), rng);
                double lossSum = 0;
                for (int b = 0; b < batches; b++) {
                    int start = b * config.batch();
                    int size = Math.min(config.batch(), data.n() - start);
                    OneHotBatch.fill(data, order, start, size, classes, xb, yb);
                    lossSum += step(arch, params, names, velocity, task, manager, xb, yb, size, dim, classes) * size;
                    if (bar != null) {
                        bar.step();
                    }
                }
                epochLoss[epoch] = lossSum / data.n();
                if (bar != null) {
                    bar.setExtraMessage(String.format("epoch %d/%d loss %.4f", epoch + 1, config.epochs(),
                            epochLoss[epoch]));
                }
            }
        } finally {
            for (String name : names) {
                params.get(name).setRequiresGradient(false);
                velocity.get(name).close();
            }
        }
        return epochLoss;
    }

    private static int inputDim(Architecture arch) {
        int d = 1;
        for (int s : arch.inputShape()) {
            d *= s;
        }
        return d;
    }

    // One update; returns the batch's mean loss.
    private double step(Architecture arch, Map<String, NDArray> params, List<String> names,
                        Map<String, NDArray> velocity, String task, NDManager manager,
                        float[] xb, float[] yb, int size, int dim, int classes) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(FloatBuffer.wrap(xb, 0, size * dim), new Shape(size, dim));
            NDArray y = manager.create(FloatBuffer.wrap(yb, 0, size * classes), new Shape(size, classes));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // L = −(1/B) Σ_i log softmax(z_i)[y_i]
                NDArray l = arch.logits(params, task, x).logSoftmax(1).mul(y).sum().div(-size);
                gc.backward(l);
                loss = l.getFloat();
            }
            double lr = config.lr();
            double mu = config.momentum();
            for (String name : names) {
                NDArray p = params.get(name);
                NDArray g = p.getGradient();
                NDArray v = velocity.get(name);
                // v = μ·v + g ; p = p − lr·v  (torch.optim.SGD with momentum, no dampening)
                v.muli(mu).addi(g);
                p.subi(v.mul(lr));
                g.subi(g);
            }
            return loss;
        }
    }
}
