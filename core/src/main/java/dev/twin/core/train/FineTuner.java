package dev.twin.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.twin.core.model.Architecture;
import dev.twin.core.runtime.Progress;
import dev.twin.core.suite.Split;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import me.tongfei.progressbar.ProgressBar;

/**
 * Fine-tunes with AdamW ({@link AdamWConfig}) on the cross-entropy of one task head. What is trained is given
 * explicitly (any subset of the model's parameters, or extra tensors such as LoRA factors); a {@code view} turns the
 * parameters into the weights the architecture runs with on every step, inside the gradient tape, so a reparametrized
 * weight (W + s·B·A) passes its gradient to its factors. Each epoch visits the rows in a fresh seeded order.
 */
public final class FineTuner {
    private final AdamWConfig config;
    private final boolean progress;
    private String label = "fine-tune";
    private EpochListener listener;

    /** Sees the model after each epoch, e.g. to score validation data while a recipe is being chosen. */
    @FunctionalInterface
    public interface EpochListener {
        /**
         * @param epoch    0-based index of the epoch just finished
         * @param meanLoss its mean training loss
         * @param weights  what the architecture runs with now (the view of the parameters); valid during the call only
         */
        void afterEpoch(int epoch, double meanLoss, Map<String, NDArray> weights);
    }

    public FineTuner(AdamWConfig config, boolean progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Names the progress bar. */
    public FineTuner label(String text) {
        this.label = text;
        return this;
    }

    /** Calls {@code l} after every epoch, between epochs (outside any training step). */
    public FineTuner afterEpoch(EpochListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Trains {@code trainable} in place; returns the mean training loss of each epoch.
     *
     * @param params    everything the view needs (frozen and trainable tensors), on one manager
     * @param trainable the tensors to update, a subset of params' values (same arrays)
     * @param view      params → the weight set the architecture runs with (identity for plain fine-tuning)
     */
    public double[] train(Architecture arch, Map<String, NDArray> params, Map<String, NDArray> trainable,
                          UnaryOperator<Map<String, NDArray>> view, String task, Split data) {
        int dim = Math.toIntExact(dev.twin.core.tensor.FloatTensor.numel(arch.inputShape()));
        if (data.dim() != dim) {
            throw new IllegalArgumentException("task '" + task + "': data has " + data.dim() + " inputs per example, "
                    + arch.name() + " expects " + dim);
        }
        if (data.n() == 0) {
            throw new IllegalArgumentException("task '" + task + "': training split is empty");
        }
        NDArray headW = params.get("head." + task + ".weight");
        if (headW == null) {
            throw new IllegalArgumentException("cannot fine-tune task '" + task + "': no head." + task + ".weight");
        }
        int classes = Math.toIntExact(headW.getShape().get(0));
        data.checkLabels(task, classes);
        NDManager manager = headW.getManager();
        int batches = (data.n() + config.batch() - 1) / config.batch();
        int total = batches * config.epochs();
        double[] epochLoss = new double[config.epochs()];
        SplittableRandom rng = new SplittableRandom(config.seed());
        float[] xb = new float[config.batch() * dim];
        float[] yb = new float[config.batch() * classes];
        try (AdamW opt = new AdamW(trainable, config.weightDecay());
             ProgressBar bar = progress ? Progress.bar(label, total, " batches") : null) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                int[] order = Shuffle.permutation(data.n(), rng);
                double lossSum = 0;
                for (int b = 0; b < batches; b++) {
                    int start = b * config.batch();
                    int size = Math.min(config.batch(), data.n() - start);
                    OneHotBatch.fill(data, order, start, size, classes, xb, yb);
                    double lr = config.lrAt(epoch * batches + b, total);
                    double loss = step(arch, params, view, opt, lr, task, manager, xb, yb, size, dim, classes);
                    if (!Double.isFinite(loss)) {
                        // diverged: every weight is about to be NaN; stop before it is cached or merged
                        throw new IllegalStateException(String.format("task '%s': the training loss became %s at "
                                + "step %d of %d (epoch %d, lr %.3g): training diverged (or an input is not finite); lower the "
                                + "learning rate",
                                task, loss, epoch * batches + b + 1, total, epoch + 1, lr));
                    }
                    lossSum += loss * size;
                    if (bar != null) {
                        bar.step();
                    }
                }
                epochLoss[epoch] = lossSum / data.n();
                if (bar != null) {
                    bar.setExtraMessage(String.format("epoch %d/%d loss %.4f", epoch + 1, config.epochs(),
                            epochLoss[epoch]));
                }
                if (listener != null) {
                    try (NDScope scope = new NDScope()) { // the view's tensors die with the call
                        scope.suppressNotUsedWarning();
                        listener.afterEpoch(epoch, epochLoss[epoch], view.apply(params));
                    }
                }
            }
        }
        return epochLoss;
    }

    private static double step(Architecture arch, Map<String, NDArray> params,
                               UnaryOperator<Map<String, NDArray>> view, AdamW opt, double lr, String task,
                               NDManager manager, float[] xb, float[] yb, int size, int dim, int classes) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(FloatBuffer.wrap(xb, 0, size * dim), new Shape(size, dim));
            NDArray y = manager.create(FloatBuffer.wrap(yb, 0, size * classes), new Shape(size, classes));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // L = −(1/B) Σ_i log softmax(z_i)[y_i]
                NDArray l = arch.logits(view.apply(params), task, x).logSoftmax(1).mul(y).sum().div(-size);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Float.isFinite(loss)) {
                return loss; // no update from a non-finite gradient (the caller stops)
            }
            opt.step(lr);
            return loss;
        }
    }
}
