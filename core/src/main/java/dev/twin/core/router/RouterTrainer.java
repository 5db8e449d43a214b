package dev.twin.core.router;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.runtime.Progress;
import dev.twin.core.tensor.WeightSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * Trains the router (TWIN-MERGING.md "The router"): cross-entropy on the task id with Adam, keeping the epoch whose
 * weights reach the best accuracy on a seeded, per-task (stratified) held-out split. Manual autograd in DJL, so the
 * BatchNorm running statistics follow PyTorch exactly (see {@link RouterMlp}). Shows a progress bar on stderr.
 * Seeds the engine-wide DJL/PyTorch random generator with {@code cfg.seed()} (dropout masks), so runs are repeatable.
 */
public final class RouterTrainer {
    static final double ADAM_BETA1 = 0.9;
    static final double ADAM_BETA2 = 0.999;
    static final double ADAM_EPS = 1e-8;
    private static final int EVAL_CHUNK = 4096;

    /** Called after every epoch (1-based) with the mean training loss and the held-out accuracy. */
    @FunctionalInterface
    public interface EpochListener {
        void onEpoch(int epoch, double trainLoss, double heldOutAccuracy);
    }

    private RouterTrainer() {
    }

    public static RouterModel train(float[] features, int[] taskLabels, int d, List<String> tasks, RouterConfig cfg) {
        return train(features, taskLabels, d, tasks, cfg, (e, l, a) -> { });
    }

    /**
     * @param features   [n, d] row-major trunk features
     * @param taskLabels n task indices into {@code tasks}
     */
    public static RouterModel train(float[] features, int[] taskLabels, int d, List<String> tasks, RouterConfig cfg,
                                    EpochListener listener) {
        int n = validate(features, taskLabels, d, tasks);
        int t = tasks.size();
        StratifiedSplit split = StratifiedSplit.of(taskLabels, t, cfg.holdout(), cfg.seed());
        if (split.heldOut().length == 0) {
            throw new IllegalArgumentException("router training: no held-out items (every task needs >= 2 items), n=" + n);
        }
        if (split.train().length < 2) {
            throw new IllegalArgumentException("router training: BatchNorm needs >= 2 training items, have "
                    + split.train().length);
        }
        int[] train = split.train().clone();
        int batches = (train.length + cfg.batch() - 1) / cfg.batch();
        Random shuffle = new Random(cfg.seed() ^ 0x5DEECE66DL);

        try (NDManager manager = DjlRuntime.newManager();
             ProgressBar bar = Progress.bar("router", (long) cfg.epochs() * batches, " batches")) {
            Engine.getInstance().setRandomSeed((int) cfg.seed()); // dropout masks
            Map<String, NDArray> params = Params.toNd(manager, RouterMlp.init(d, t, cfg.seed()));
            Adam adam = new Adam(params, cfg.lr(), manager);
            WeightSet best = null;
            double bestAccuracy = -1;
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                shuffleInPlace(train, shuffle);
                double lossSum = 0;
                int lossCount = 0;
                for (int start = 0; start < train.length; start += cfg.batch()) {
                    int end = Math.min(train.length, start + cfg.batch());
                    if (end - start >= 2) { // a 1-row batch has no batch variance (PyTorch refuses it too)
                        lossSum += step(params, adam, manager, features, taskLabels, d, t, train, start, end);
                        lossCount++;
                    }
                    bar.step();
                }
                double accuracy = accuracy(params, manager, features, taskLabels, d, split.heldOut());
                double loss = lossSum / Math.max(1, lossCount);
                listener.onEpoch(epoch, loss, accuracy);
                if (accuracy > bestAccuracy) {
                    bestAccuracy = accuracy;
                    best = Params.fromNd(params);
                }
                bar.setExtraMessage(String.format(" epoch %d loss %.4f held-out %.4f best %.4f",
                        epoch, loss, accuracy, bestAccuracy));
            }
            return new RouterModel(tasks, d, best, bestAccuracy);
        }
    }

    /** One Adam step on rows train[start, end); returns the batch's mean cross-entropy. */
    private static double step(Map<String, NDArray> params, Adam adam, NDManager manager, float[] features,
                               int[] labels, int d, int t, int[] train, int start, int end) {
        try (NDScope ignored = new NDScope()) {
            NDArray x = rows(manager, features, d, train, start, end);
            NDArray y = manager.create(gatherLabels(labels, train, start, end)).oneHot(t);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = RouterMlp.forward(params, x, true);
                // CE = −mean_i Σ_t y_it · log softmax(z_i)_t
                loss = logits.logSoftmax(1).mul(y).sum(new int[] {1}).neg().mean();
                gc.backward(loss);
            }
            adam.step();
            return loss.getFloat();
        }
    }

    private static double accuracy(Map<String, NDArray> params, NDManager manager, float[] features, int[] labels,
                                   int d, int[] items) {
        int correct = 0;
        for (int start = 0; start < items.length; start += EVAL_CHUNK) {
            int end = Math.min(items.length, start + EVAL_CHUNK);
            try (NDScope ignored = new NDScope()) {
                NDArray x = rows(manager, features, d, items, start, end);
                long[] predicted = RouterMlp.forward(params, x, false).argMax(1).toLongArray();
                for (int i = start; i < end; i++) {
                    if (predicted[i - start] == labels[items[i]]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / items.length;
    }

    private static NDArray rows(NDManager manager, float[] features, int d, int[] idx, int start, int end) {
        float[] x = new float[(end - start) * d];
        for (int i = start; i < end; i++) {
            System.arraycopy(features, idx[i] * d, x, (i - start) * d, d);
        }
        return manager.create(x, new Shape(end - start, d));
    }

    private static int[] gatherLabels(int[] labels, int[] idx, int start, int end) {
        int[] y = new int[end - start];
        for (int i = start; i < end; i++) {
            y[i - start] = labels[idx[i]];
        }
        return y;
    }

    private static void shuffleInPlace(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    private static int validate(float[] features, int[] labels, int d, List<String> tasks) {
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException("router training needs at least one task");
        }
        if (new HashSet<>(tasks).size() != tasks.size()) {
            throw new IllegalArgumentException("router task names must be distinct: " + tasks);
        }
        if (d < 1) {
            throw new IllegalArgumentException("router feature dimension must be >= 1, got " + d);
        }
        if (features == null || labels == null) {
            throw new IllegalArgumentException("router training: features and task labels are required");
        }
        int n = labels.length;
        if ((long) n * d != features.length) {
            throw new IllegalArgumentException("router training: " + n + " labels need features [" + n + ", " + d
                    + "] = " + ((long) n * d) + " floats, got " + features.length);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= tasks.size()) {
                throw new IllegalArgumentException("router training: label " + labels[i] + " of item " + i
                        + " is not a task index in [0, " + tasks.size() + ")");
            }
        }
        for (float v : features) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("router training: features contain " + v);
            }
        }
        return n;
    }

    /** Adam as in PyTorch: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·m̂/(√v̂ + eps), hats bias-corrected. */
    private static final class Adam {
        private final Map<String, NDArray> params = new LinkedHashMap<>();
        private final Map<String, NDArray> m = new LinkedHashMap<>();
        private final Map<String, NDArray> v = new LinkedHashMap<>();
        private final double lr;
        private int steps;

        Adam(Map<String, NDArray> all, double lr, NDManager manager) {
            this.lr = lr;
            all.forEach((name, p) -> {
                if (RouterMlp.trainable(name)) {
                    p.setRequiresGradient(true);
                    params.put(name, p);
                    m.put(name, manager.zeros(p.getShape()));
                    v.put(name, manager.zeros(p.getShape()));
                }
            });
        }

        /** Call inside an NDScope, outside the gradient collector; zeroes the gradients afterwards. */
        void step() {
            steps++;
            double c1 = 1 - Math.pow(ADAM_BETA1, steps);
            double c2 = 1 - Math.pow(ADAM_BETA2, steps);
            params.forEach((name, p) -> {
                NDArray g = p.getGradient();
                NDArray mt = m.get(name).muli(ADAM_BETA1).addi(g.mul(1 - ADAM_BETA1));
                NDArray vt = v.get(name).muli(ADAM_BETA2).addi(g.square().mul(1 - ADAM_BETA2));
                p.subi(mt.div(c1).div(vt.div(c2).sqrt().add(ADAM_EPS)).mul(lr));
                g.subi(g); // PyTorch accumulates gradients; start the next step from zero
            });
        }
    }
}
