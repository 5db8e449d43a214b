package dev.twin.core.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The paper's group-wise variant (TWIN-MERGING.md "group"): bin the batch by argmax w, share k groups among the
 * non-empty bins in proportion to their sizes, run k-means on w inside each bin and merge each cluster with the mean
 * of its members' w.
 *
 * <p>Allocation: every non-empty bin gets one group, then the remaining k − bins groups go one at a time to the bin
 * with the most inputs per allocated group (D'Hondt; ties to the lower bin), never beyond the bin's number of distinct
 * w. So the total is max(k, bins) at most. k-means: k-means++ seeding from a {@link SplittableRandom} seeded once per
 * call (bins in task order), then Lloyd iterations until no assignment changes or 50 rounds; a cluster left empty
 * simply yields no group. Keys are {@code g<bin>-<cluster>-<hash of the group weights>}: they name a group within
 * this batch only and are NOT stable across batches (use {@link Lattice} for cache keys).
 */
public final class GroupKMeans implements GroupingStrategy {
    public static final String NAME = "group";
    /** Groups per batch in the paper. */
    public static final int PAPER_K = 20;
    static final int MAX_ITERATIONS = 50;

    private final int k;
    private final long seed;

    public GroupKMeans(int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("group: k (groups per batch) must be >= 1, got " + k);
        }
        this.k = k;
        this.seed = seed;
    }

    @Override
    public String name() {
        return NAME;
    }

    public int k() {
        return k;
    }

    @Override
    public List<Group> assign(float[][] weights) {
        int t = WeightBatch.validate(NAME, weights);
        if (weights.length == 0) {
            return List.of();
        }
        int[][] bins = binByArgmax(weights, t);
        int[] alloc = allocate(bins, weights, k);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Group> groups = new ArrayList<>();
        for (int b = 0; b < t; b++) {
            if (bins[b].length > 0) {
                cluster(b, bins[b], weights, alloc[b], rng, groups);
            }
        }
        return groups;
    }

    /** bins[b] = indices (batch order) of the inputs whose argmax is task b. */
    static int[][] binByArgmax(float[][] weights, int t) {
        int[] size = new int[t];
        int[] arg = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            arg[i] = WeightBatch.argmax(weights[i]);
            size[arg[i]]++;
        }
        int[][] bins = new int[t][];
        for (int b = 0; b < t; b++) {
            bins[b] = new int[size[b]];
        }
        int[] fill = new int[t];
        for (int i = 0; i < weights.length; i++) {
            bins[arg[i]][fill[arg[i]]++] = i;
        }
        return bins;
    }

    /** Groups per bin: 1 per non-empty bin, the rest by D'Hondt on bin size, capped at the bin's distinct vectors. */
    static int[] allocate(int[][] bins, float[][] weights, int k) {
        int t = bins.length;
        int[] alloc = new int[t];
        int[] distinct = new int[t];
        int used = 0;
        for (int b = 0; b < t; b++) {
            if (bins[b].length > 0) {
                alloc[b] = 1;
                distinct[b] = distinctCount(bins[b], weights);
                used++;
            }
        }
        for (; used < k; used++) {
            int best = -1;
            for (int b = 0; b < t; b++) {
                // quotient size/alloc compared as size_b·alloc_best > size_best·alloc_b (exact in long)
                if (alloc[b] > 0 && alloc[b] < distinct[b] && (best < 0
                        || (long) bins[b].length * alloc[best] > (long) bins[best].length * alloc[b])) {
                    best = b;
                }
            }
            if (best < 0) {
                break; // every bin already has one group per distinct point
            }
            alloc[best]++;
        }
        return alloc;
    }

    private static int distinctCount(int[] members, float[][] weights) {
        Set<VectorKey> seen = new HashSet<>();
        for (int i : members) {
            seen.add(new VectorKey(weights[i]));
        }
        return seen.size();
    }

    /** k-means++ then Lloyd on the bin's w; appends one group per non-empty cluster. */
    private static void cluster(int bin, int[] members, float[][] weights, int kb, SplittableRandom rng,
                                List<Group> out) {
        int n = members.length;
        int t = weights[members[0]].length;
        double[][] centers = seedCenters(members, weights, kb, rng);
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int c = nearest(weights[members[i]], centers);
                if (c != assignment[i]) {
                    assignment[i] = c;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            // center_c = mean of the w assigned to c (an empty cluster keeps its old center)
            double[][] sums = new double[kb][t];
            int[] counts = new int[kb];
            for (int i = 0; i < n; i++) {
                float[] w = weights[members[i]];
                double[] s = sums[assignment[i]];
                for (int j = 0; j < t; j++) {
                    s[j] += w[j];
                }
                counts[assignment[i]]++;
            }
            for (int c = 0; c < kb; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < t; j++) {
                        centers[c][j] = sums[c][j] / counts[c];
                    }
                }
            }
        }
        for (int c = 0; c < kb; c++) {
            int size = 0;
            for (int a : assignment) {
                if (a == c) {
                    size++;
                }
            }
            if (size == 0) {
                continue;
            }
            int[] groupMembers = new int[size];
            double[] mean = new double[t];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (assignment[i] == c) {
                    groupMembers[m++] = members[i];
                    float[] w = weights[members[i]];
                    for (int j = 0; j < t; j++) {
                        mean[j] += w[j];
                    }
                }
            }
            float[] gw = new float[t];
            for (int j = 0; j < t; j++) {
                gw[j] = (float) (mean[j] / size); // group w = mean of member w
            }
            String key = "g" + bin + "-" + c + "-" + Integer.toHexString(Arrays.hashCode(gw));
            out.add(new Group(key, gw, groupMembers));
        }
    }

    /** k-means++: first center uniform, each next one drawn with probability ∝ D(x)², D = distance to nearest center. */
    private static double[][] seedCenters(int[] members, float[][] weights, int kb, SplittableRandom rng) {
        int n = members.length;
        double[][] centers = new double[kb][];
        centers[0] = toDouble(weights[members[rng.nextInt(n)]]);
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(weights[members[i]], centers[0]);
        }
        for (int c = 1; c < kb; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick = n - 1;
            double r = rng.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                r -= d2[i];
                if (r < 0 && d2[i] > 0) {
                    pick = i;
                    break;
                }
            }
            if (d2[pick] == 0) { // rounding pushed r past the end: take the last point not yet a center
                for (int i = n - 1; i >= 0; i--) {
                    if (d2[i] > 0) {
                        pick = i;
                        break;
                    }
                }
            }
            centers[c] = toDouble(weights[members[pick]]);
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist2(weights[members[i]], centers[c]));
            }
        }
        return centers;
    }

    /** Nearest center by squared Euclidean distance; ties to the lower center index. */
    private static int nearest(float[] w, double[][] centers) {
        int best = 0;
        double bestD = dist2(w, centers[0]);
        for (int c = 1; c < centers.length; c++) {
            double d = dist2(w, centers[c]);
            if (d < bestD) {
                best = c;
                bestD = d;
            }
        }
        return best;
    }

    private static double dist2(float[] w, double[] c) {
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            double d = w[j] - c[j];
            s += d * d;
        }
        return s;
    }

    private static double[] toDouble(float[] w) {
        double[] out = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            out[j] = w[j];
        }
        return out;
    }

    /** A weight vector as a hash key (exact float equality). */
    private record VectorKey(float[] w) {
        @Override
        public boolean equals(Object o) {
            return o instanceof VectorKey v && Arrays.equals(w, v.w);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(w);
        }
    }
}
