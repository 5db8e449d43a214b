package dev.twin.core.suite;

import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.train.Shuffle;
import dev.twin.core.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A suite generated in code in well under a second, for tests: {@value #TASKS} tasks over {@value #DIM}-dimensional
 * inputs, each with its own input region (a random offset, so a router can tell tasks apart) holding
 * {@value #CLUSTERS} Gaussian clusters; each class is the union of two clusters picked at random, so every task needs
 * a non-linear trunk of its own and the tasks pull the shared trunk in different directions (averaging experts
 * interferes). Everything is a function of the seed.
 */
public final class SyntheticSuite implements TaskSuite {
    public static final String NAME = "synthetic";
    public static final long DEFAULT_SEED = 2024;
    static final int DIM = 32;
    static final int TASKS = 4;
    static final int CLASSES = 4;
    static final int CLUSTERS = 8;
    static final int TRAIN = 1200;
    static final int VALIDATION = 300;
    static final int TEST = 600;
    private static final List<String> NAMES = List.of("alpha", "beta", "gamma", "delta");
    private static final double OFFSET = 8.0;
    private static final double CENTER_SPREAD = 0.8;
    private static final double NOISE = 1.0;

    private final long seed;
    private final List<TaskData> tasks;

    public SyntheticSuite() {
        this(DEFAULT_SEED);
    }

    public SyntheticSuite(long seed) {
        this.seed = seed;
        List<TaskData> list = new ArrayList<>();
        for (String name : NAMES) {
            list.add(generate(name, new SplittableRandom(Seeds.forTask(seed, name))));
        }
        this.tasks = List.copyOf(list);
    }

    private static TaskData generate(String name, SplittableRandom rng) {
        double[] offset = gaussian(rng, DIM, 1.0);
        double norm = 0;
        for (double v : offset) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double[][] centers = new double[CLUSTERS][];
        for (int k = 0; k < CLUSTERS; k++) {
            double[] c = gaussian(rng, DIM, CENTER_SPREAD);
            for (int j = 0; j < DIM; j++) {
                // centre = OFFSET·u + N(0, spread²), u the task's unit direction
                c[j] += OFFSET * offset[j] / norm;
            }
            centers[k] = c;
        }
        // two clusters per class, assigned by a random permutation of the clusters
        int[] perm = Shuffle.permutation(CLUSTERS, rng);
        int[] classOf = new int[CLUSTERS];
        for (int k = 0; k < CLUSTERS; k++) {
            classOf[perm[k]] = k % CLASSES;
        }
        return new TaskData(name, CLASSES,
                sample(rng, centers, classOf, TRAIN),
                sample(rng, centers, classOf, VALIDATION),
                sample(rng, centers, classOf, TEST));
    }

    // n points: a uniform cluster k, x = centre_k + N(0, NOISE²·I), label classOf[k]
    private static Split sample(SplittableRandom rng, double[][] centers, int[] classOf, int n) {
        float[] x = new float[n * DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(CLUSTERS);
            y[i] = classOf[k];
            for (int j = 0; j < DIM; j++) {
                x[i * DIM + j] = (float) (centers[k][j] + NOISE * rng.nextGaussian());
            }
        }
        return new Split(x, y, n, DIM);
    }

    private static double[] gaussian(SplittableRandom rng, int n, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sd * rng.nextGaussian();
        }
        return v;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String dataVersion() {
        return "seed=" + seed + ",dim=" + DIM + ",clusters=" + CLUSTERS + ",offset=" + OFFSET + ",spread="
                + CENTER_SPREAD + ",noise=" + NOISE + ",n=" + TRAIN + "/" + VALIDATION + "/" + TEST;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ArchitectureSpec architecture() {
        return new ArchitectureSpec("mlp", List.of(DIM), List.of(64, 32));
    }

    @Override
    public List<TaskData> tasks() {
        return tasks;
    }

    /** Rank 4 of the 64×32 and 32×64 trunk matrices: the bundle stays well below the dense experts. */
    @Override
    public int twinRank() {
        return 4;
    }

    @Override
    public Recipe recipe() {
        return new Recipe(NAMES.get(0),
                new TrainConfig(0.05, 0.9, 32, 1, seed),
                new TrainConfig(0.05, 0.9, 32, 5, seed + 1));
    }
}
