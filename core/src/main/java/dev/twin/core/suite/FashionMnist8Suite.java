package dev.twin.core.suite;

import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.train.Shuffle;
import dev.twin.core.train.TrainConfig;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * fashion-mnist-8 (DESIGN.md): eight tasks over the real Fashion-MNIST images, see {@link FashionTask}. The 60k
 * training images are split once (seed {@value #SPLIT_SEED}) into {@value #TRAIN} train and {@value #VALIDATION}
 * validation images; the test split is the 10k test set. Every task uses the same base images, transformed.
 * Pixels are scaled to [0, 1].
 *
 * <p>A task's splits are built when it is first accessed (about 170 MB of floats each) and kept through a soft
 * reference, so iterating over all tasks does not pin 1.5 GB.
 */
public final class FashionMnist8Suite implements TaskSuite {
    public static final String NAME = "fashion-mnist-8";
    public static final int SIDE = 28;
    public static final int TRAIN = 55_000;
    public static final int VALIDATION = 5_000;
    public static final long SPLIT_SEED = 0;
    private static final FashionTask[] TASKS = FashionTask.values();

    private final Base train;
    private final Base validation;
    private final Base test;
    private final List<TaskData> tasks;

    /** The base images of one split, scaled to [0, 1], with their ids (the noise seeds). */
    record Base(float[] x, int[] labels, long[] ids) {
        int n() {
            return labels.length;
        }
    }

    /** Loads the four IDX files from dir (see {@link DataLocator}). */
    public static FashionMnist8Suite load(Path dir) {
        IdxImages trainImages = IdxReader.readImages(dir.resolve(DataLocator.TRAIN_IMAGES));
        int[] trainLabels = IdxReader.readLabels(dir.resolve(DataLocator.TRAIN_LABELS));
        IdxImages testImages = IdxReader.readImages(dir.resolve(DataLocator.TEST_IMAGES));
        int[] testLabels = IdxReader.readLabels(dir.resolve(DataLocator.TEST_LABELS));
        return new FashionMnist8Suite(trainImages, trainLabels, testImages, testLabels, dir.toString());
    }

    FashionMnist8Suite(IdxImages trainImages, int[] trainLabels, IdxImages testImages, int[] testLabels,
                       String source) {
        check(trainImages, trainLabels, TRAIN + VALIDATION, source + " (train)");
        check(testImages, testLabels, testImages.count(), source + " (t10k)");
        // a fixed, seeded disjoint split of the training file
        int[] perm = Shuffle.permutation(trainImages.count(), new SplittableRandom(SPLIT_SEED));
        int[] trainIdx = Arrays.copyOfRange(perm, 0, TRAIN);
        int[] valIdx = Arrays.copyOfRange(perm, TRAIN, TRAIN + VALIDATION);
        Arrays.sort(trainIdx);
        Arrays.sort(valIdx);
        int[] testIdx = new int[testImages.count()];
        for (int i = 0; i < testIdx.length; i++) {
            testIdx[i] = i;
        }
        this.train = base(trainImages, trainLabels, trainIdx, 0);
        this.validation = base(trainImages, trainLabels, valIdx, 0);
        // test ids continue after the training file's, so no two images share a noise seed
        this.test = base(testImages, testLabels, testIdx, trainImages.count());
        this.tasks = new LazyTasks();
    }

    private static void check(IdxImages images, int[] labels, int expectedCount, String source) {
        if (images.rows() != SIDE || images.cols() != SIDE) {
            throw new IllegalArgumentException(source + ": images are " + images.rows() + "x" + images.cols()
                    + ", expected " + SIDE + "x" + SIDE);
        }
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(source + ": " + images.count() + " images but " + labels.length
                    + " labels");
        }
        if (images.count() != expectedCount) {
            throw new IllegalArgumentException(source + ": " + images.count() + " images, expected "
                    + expectedCount);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new IllegalArgumentException(source + ": label " + labels[i] + " of image " + i
                        + " is outside 0..9");
            }
        }
    }

    // x[i] = pixel / 255 for the images at idx; id = idOffset + index in the file
    private static Base base(IdxImages images, int[] labels, int[] idx, long idOffset) {
        int n = SIDE * SIDE;
        float[] x = new float[idx.length * n];
        int[] y = new int[idx.length];
        long[] ids = new long[idx.length];
        byte[] px = images.pixels();
        for (int i = 0; i < idx.length; i++) {
            int src = idx[i] * n;
            for (int j = 0; j < n; j++) {
                x[i * n + j] = (px[src + j] & 0xFF) / 255f;
            }
            y[i] = labels[idx[i]];
            ids[i] = idOffset + idx[i];
        }
        return new Base(x, y, ids);
    }

    /** Image ids (index in the training file, or 60000 + index in the test file) of a base split. */
    long[] ids(String split) {
        return switch (split) {
            case "train" -> train.ids().clone();
            case "validation" -> validation.ids().clone();
            case "test" -> test.ids().clone();
            default -> throw new IllegalArgumentException("no split '" + split + "'");
        };
    }

    private TaskData build(FashionTask task) {
        return new TaskData(task.taskName(), task.classes(), split(task, train), split(task, validation),
                split(task, test));
    }

    private static Split split(FashionTask task, Base b) {
        int n = SIDE * SIDE;
        float[] x;
        if (task == FashionTask.FASHION || task == FashionTask.COARSE) {
            x = b.x(); // unchanged images: share the array
        } else {
            x = new float[b.x().length];
            for (int i = 0; i < b.n(); i++) {
                task.apply(b.x(), i * n, x, i * n, SIDE, b.ids()[i]);
            }
        }
        int[] y = new int[b.n()];
        for (int i = 0; i < y.length; i++) {
            y[i] = task.label(b.labels()[i]);
        }
        return new Split(x, y, b.n(), n);
    }

    /** Tasks built on first access and kept softly. */
    private final class LazyTasks extends AbstractList<TaskData> {
        @SuppressWarnings("unchecked")
        private final SoftReference<TaskData>[] cache = new SoftReference[TASKS.length];

        @Override
        public synchronized TaskData get(int index) {
            SoftReference<TaskData> ref = cache[index];
            TaskData t = ref == null ? null : ref.get();
            if (t == null) {
                t = build(TASKS[index]);
                cache[index] = new SoftReference<>(t);
            }
            return t;
        }

        @Override
        public int size() {
            return TASKS.length;
        }
    }

    /** The transforms and the split are fixed in code; bump this when any of them changes. */
    @Override
    public String dataVersion() {
        return "fashion-mnist-8/v1: 55k/5k split seed 0, noise 0.5, shift 7, permute seed 0";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ArchitectureSpec architecture() {
        return new ArchitectureSpec("mlp", List.of(SIDE * SIDE), List.of(512, 256));
    }

    @Override
    public List<TaskData> tasks() {
        return tasks;
    }

    /** Task names without building any task. */
    @Override
    public List<String> taskNames() {
        return FashionTask.names();
    }

    @Override
    public TaskData task(String taskName) {
        int i = FashionTask.names().indexOf(taskName);
        if (i < 0) {
            throw new IllegalArgumentException("suite '" + NAME + "' has no task '" + taskName + "' (tasks: "
                    + FashionTask.names() + ")");
        }
        return tasks.get(i);
    }

    /** DESIGN.md's recipe: base 1 epoch on fashion, experts 3 epochs; SGD momentum 0.9, lr 0.03, batch 128. */
    @Override
    public Recipe recipe() {
        return new Recipe(FashionTask.FASHION.taskName(),
                new TrainConfig(0.03, 0.9, 128, 1, 0),
                new TrainConfig(0.03, 0.9, 128, 3, 1));
    }
}
