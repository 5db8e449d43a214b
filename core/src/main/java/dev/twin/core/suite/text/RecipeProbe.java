package dev.twin.core.suite.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import dev.twin.core.train.FineTuner;
import dev.twin.core.train.HeadFit;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measures a {@link TextRecipe} on one task's validation data, without the rest of the suite's pipeline: trains the
 * task's expert as {@link TextExpertTrainer} does, scoring it on validation after every epoch, and compares it with
 * "pretrained encoder + its own head" (a linear probe: the head fitted on the frozen encoder's features of the same
 * training items). Also reports the wall and CPU time of a training step. The test split is never read.
 */
public final class RecipeProbe {
    /** Linear probe: full-batch Adam steps and learning rate (the earlier LP-FT recipe's probe). */
    public static final int PROBE_STEPS = 300;
    public static final double PROBE_LR = 0.01;
    private static final int FEATURE_BATCH = 64;

    /**
     * What one probe measured, accuracies on the first {@code validationItems} validation items.
     *
     * @param linearProbe         pretrained encoder + head fitted on its frozen features
     * @param pretrainedExpertHead pretrained encoder + the expert's trained head (the eval table's "pretrained" row)
     * @param epochAccuracy       the expert after each epoch
     * @param epochLoss           mean training loss of each epoch
     * @param secondsPerStep      wall time of one training step (batch), validation scoring excluded
     * @param cpuSecondsPerStep   CPU time of the process per training step (all threads)
     */
    public record Result(String task, Text6Suite.Experts experts, int trainItems, int validationItems, int steps,
                         double linearProbe, double pretrainedExpertHead, double[] epochAccuracy, double[] epochLoss,
                         double secondsPerStep, double cpuSecondsPerStep, double trainSeconds) {
        /** The expert's final validation accuracy. */
        public double expertAccuracy() {
            return epochAccuracy[epochAccuracy.length - 1];
        }
    }

    private RecipeProbe() {
    }

    /**
     * Trains task {@code task}'s expert of {@code suite} by {@code recipe} (LoRA adapters go under {@code scratch})
     * and scores it on the first {@code validationItems} validation items.
     */
    public static Result run(Text6Suite suite, TextRecipe recipe, String task, int validationItems, Path scratch,
                             boolean progress, PrintStream log) {
        TaskData t = suite.tasks().stream().filter(x -> x.name().equals(task)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("suite " + suite.name() + " has no task '" + task + "' (tasks: "
                        + suite.tasks().stream().map(TaskData::name).toList() + ")"));
        if (validationItems < 1) {
            throw new IllegalArgumentException("validation items must be >= 1, got " + validationItems);
        }
        Split val = t.validation().head(validationItems);
        Architecture arch = Architectures.create(suite.architecture());
        WeightSet base = BertCheckpoint.trunk(suite.baseDir());

        long p0 = System.nanoTime();
        int d = arch.featureDim();
        WeightSet probeHead = HeadFit.fit(t.name(), features(arch, base, t.train()), t.train().y(), d, t.classes(),
                PROBE_LR, PROBE_STEPS);
        double linear = headAccuracy(probeHead, t.name(), features(arch, base, val), val.y(), d);
        log.printf("%s: pretrained + linear probe (fitted on %d training items) %.1f%% on %d validation items (%.0f s)%n",
                t.name(), t.train().n(), 100 * linear, val.n(), (System.nanoTime() - p0) / 1e9);

        int batch = recipe.tune(suite.experts()).batch();
        int epochs = recipe.tune(suite.experts()).epochs();
        int steps = (t.train().n() + batch - 1) / batch * epochs;
        List<Double> acc = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        long[] scoring = {0};
        long cpu0 = cpuNanos();
        long w0 = System.nanoTime();
        WeightSet head = TextExpertTrainer.freshHead(arch, t, recipe);
        // the expert's weights as the listener sees them: scored on validation, the time spent doing so set aside
        FineTuner.EpochListener score = (epoch, meanLoss, weights) -> {
            long s0 = System.nanoTime();
            double a = Evaluation.accuracy(arch, weights, t.name(), val, val.n());
            acc.add(a);
            loss.add(meanLoss);
            log.printf("%s: epoch %d/%d loss %.4f, validation %.1f%%%n", t.name(), epoch + 1, epochs, meanLoss,
                    100 * a);
            scoring[0] += System.nanoTime() - s0;
        };
        WeightSet expert = switch (suite.experts()) {
            case FULL -> TextExpertTrainer.fullFineTune(arch, base, head, t, recipe, progress, score);
            case LORA -> TextExpertTrainer.lora(arch, base, head, t, recipe, suite.baseDir(), scratch, progress, score);
        };
        long wall = System.nanoTime() - w0 - scoring[0];
        long cpu = cpuNanos() - cpu0;
        WeightSet baseWithHead = base.copy();
        expert.asMap().forEach((n, x) -> {
            if (n.matches(Architecture.HEAD_REGEX)) {
                baseWithHead.put(n, x);
            }
        });
        double pretrained = Evaluation.accuracy(arch, baseWithHead, t.name(), val);
        log.printf("%s: pretrained + the expert's head %.1f%%; %.2f s per step (%d steps)%n", t.name(),
                100 * pretrained, wall / 1e9 / steps, steps);
        // CPU time includes the validation scoring: scale it by the training share of the wall time
        double cpuPerStep = cpu / 1e9 * wall / (wall + scoring[0]) / steps;
        return new Result(t.name(), suite.experts(), t.train().n(), val.n(), steps, linear, pretrained,
                acc.stream().mapToDouble(Double::doubleValue).toArray(),
                loss.stream().mapToDouble(Double::doubleValue).toArray(), wall / 1e9 / steps, cpuPerStep, wall / 1e9);
    }

    /**
     * How well the tasks can be told apart by their inputs: per task, the share of held-out inputs that a linear probe
     * on the pretrained encoder's features puts in the right task (recall), and overall.
     */
    public record Separability(List<String> tasks, int[] fitItems, int[] heldOut, double[] recall, double accuracy,
                               int[][] confusion) {
    }

    /**
     * Fits "which task is this input from" on the first {@code items} validation inputs of each task (a task with
     * fewer than 2·items uses half of its validation split) and scores it on the next ones: a lower bound on what
     * the suite's router can learn (an MLP, on the shared expert's features, from the same validation inputs).
     */
    public static Separability separability(Text6Suite suite, int items, PrintStream log) {
        if (items < 1) {
            throw new IllegalArgumentException("items per task must be >= 1, got " + items);
        }
        Architecture arch = Architectures.create(suite.architecture());
        WeightSet base = BertCheckpoint.trunk(suite.baseDir());
        int d = arch.featureDim();
        List<TaskData> tasks = suite.tasks();
        int k = tasks.size();
        int[] fit = new int[k];
        int[] held = new int[k];
        List<float[]> fitF = new ArrayList<>();
        List<float[]> heldF = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            Split v = tasks.get(t).validation();
            fit[t] = Math.min(items, v.n() / 2);
            held[t] = Math.min(items, v.n() - fit[t]);
            if (fit[t] < 1 || held[t] < 1) {
                throw new IllegalArgumentException("task '" + tasks.get(t).name() + "' has " + v.n()
                        + " validation items: too few to fit and score a task probe");
            }
            int[] idx = new int[fit[t] + held[t]];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            float[] f = features(arch, base, v.select(idx));
            fitF.add(Arrays.copyOfRange(f, 0, fit[t] * d));
            heldF.add(Arrays.copyOfRange(f, fit[t] * d, f.length));
            log.printf("  task probe: %s features of %d + %d validation inputs%n", tasks.get(t).name(), fit[t], held[t]);
        }
        float[] x = concat(fitF);
        int[] y = taskLabels(fit);
        String name = "which_task";
        WeightSet head = HeadFit.fit(name, x, y, d, k, PROBE_LR, PROBE_STEPS);
        int[][] confusion = new int[k][k];
        double[] recall = new double[k];
        int right = 0;
        int total = 0;
        for (int t = 0; t < k; t++) {
            int[] pred = headPredictions(head, name, heldF.get(t), held[t], d);
            for (int p : pred) {
                confusion[t][p]++;
            }
            recall[t] = (double) confusion[t][t] / held[t];
            right += confusion[t][t];
            total += held[t];
        }
        return new Separability(tasks.stream().map(TaskData::name).toList(), fit, held, recall,
                (double) right / total, confusion);
    }

    private static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }

    private static int[] taskLabels(int[] counts) {
        int[] y = new int[Arrays.stream(counts).sum()];
        int at = 0;
        for (int t = 0; t < counts.length; t++) {
            Arrays.fill(y, at, at + counts[t], t);
            at += counts[t];
        }
        return y;
    }

    /** Trunk features [n, featureDim] of a split, in batches. */
    static float[] features(Architecture arch, WeightSet trunk, Split s) {
        int d = arch.featureDim();
        float[] out = new float[s.n() * d];
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, trunk.filter(n -> n.startsWith("trunk.")));
            for (int start = 0; start < s.n(); start += FEATURE_BATCH) {
                int size = Math.min(FEATURE_BATCH, s.n() - start);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = m.create(FloatBuffer.wrap(s.x(), start * s.dim(), size * s.dim()).slice(),
                            new Shape(size, s.dim()));
                    System.arraycopy(arch.features(p, x).toFloatArray(), 0, out, start * d, size * d);
                }
            }
        }
        return out;
    }

    /** Fraction of rows whose arg-max of features·Wᵀ + b (head {@code task}) equals the label. */
    static double headAccuracy(WeightSet head, String task, float[] features, int[] labels, int d) {
        int[] pred = headPredictions(head, task, features, labels.length, d);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (pred[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Arg-max of features·Wᵀ + b (head {@code task}) for each of n rows. */
    static int[] headPredictions(WeightSet head, String task, float[] features, int n, int d) {
        FloatTensor w = head.get("head." + task + ".weight");
        FloatTensor b = head.get("head." + task + ".bias");
        int classes = w.shape()[0];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestZ = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double z = b.data()[c]; // z_c = b_c + Σ_k f_ik·W_ck
                for (int k = 0; k < d; k++) {
                    z += (double) features[i * d + k] * w.data()[c * d + k];
                }
                if (z > bestZ) {
                    bestZ = z;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
