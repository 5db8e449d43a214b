package dev.twin.core.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This project's streaming grouping (TWIN-MERGING.md "lattice"): keep the top-k weights (ties to the lower task
 * index), renormalize them to sum 1, and round to the simplex grid of step 1/q with sum exactly 1 by largest-remainder
 * rounding (ties to the lower task index). Inputs with the same rounded vector share a group. The key, e.g.
 * {@code "q8:0=5,3=3"} (grid counts of the non-zero tasks in task order), depends only on the rounded vector, so it is
 * stable across batches and time and can name a cached merged weight set. A topK above T keeps all T weights.
 */
public final class Lattice implements GroupingStrategy {
    public static final String NAME = "lattice";

    private final int topK;
    private final int q;

    public Lattice(int topK, int q) {
        if (topK < 1) {
            throw new IllegalArgumentException("lattice: topK must be >= 1, got " + topK);
        }
        if (q < 1) {
            throw new IllegalArgumentException("lattice: grid resolution q must be >= 1, got " + q);
        }
        this.topK = topK;
        this.q = q;
    }

    @Override
    public String name() {
        return NAME;
    }

    public int topK() {
        return topK;
    }

    public int q() {
        return q;
    }

    @Override
    public List<Group> assign(float[][] weights) {
        WeightBatch.validate(NAME, weights);
        // key -> (grid counts, members in batch order); groups come out in order of first appearance
        Map<String, int[]> countsByKey = new LinkedHashMap<>();
        Map<String, List<Integer>> membersByKey = new LinkedHashMap<>();
        for (int i = 0; i < weights.length; i++) {
            int[] counts = round(weights[i], i);
            String key = key(counts);
            countsByKey.putIfAbsent(key, counts);
            membersByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<Group> groups = new ArrayList<>(countsByKey.size());
        for (Map.Entry<String, int[]> e : countsByKey.entrySet()) {
            List<Integer> m = membersByKey.get(e.getKey());
            int[] members = new int[m.size()];
            for (int j = 0; j < members.length; j++) {
                members[j] = m.get(j);
            }
            groups.add(new Group(e.getKey(), gridWeights(e.getValue()), members));
        }
        return groups;
    }

    /** The rounded vector of one w as grid values c_t / q (sum exactly 1 in counts). */
    public float[] rounded(float[] w) {
        WeightBatch.validate(NAME, new float[][] {w});
        return gridWeights(round(w, 0));
    }

    /** The stable key of one w. */
    public String keyOf(float[] w) {
        WeightBatch.validate(NAME, new float[][] {w});
        return key(round(w, 0));
    }

    /** Grid counts c (Σc = q) of w: top-k, renormalize, largest-remainder rounding of p·q. */
    int[] round(float[] w, int input) {
        int t = w.length;
        boolean[] kept = topK(w);
        double sum = 0;
        for (int j = 0; j < t; j++) {
            if (kept[j]) {
                sum += w[j];
            }
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("lattice: the top-" + topK + " weights of input " + input
                    + " sum to 0, cannot renormalize");
        }
        int[] counts = new int[t];
        double[] remainder = new double[t];
        int assigned = 0;
        for (int j = 0; j < t; j++) {
            if (kept[j]) {
                double x = w[j] / sum * q; // x_j = p_j·q
                counts[j] = (int) Math.floor(x);
                remainder[j] = x - counts[j];
                assigned += counts[j];
            }
        }
        // hand the q − Σ floor units to the kept tasks with the largest remainders (ties: lower task index)
        for (int left = q - assigned; left > 0; left--) {
            int best = -1;
            for (int j = 0; j < t; j++) {
                if (kept[j] && (best < 0 || remainder[j] > remainder[best])) {
                    best = j;
                }
            }
            counts[best]++;
            remainder[best] = Double.NEGATIVE_INFINITY; // at most one extra unit per task
        }
        return counts;
    }

    /** Marks the topK largest weights; among equal weights the lower task index wins. */
    private boolean[] topK(float[] w) {
        int t = w.length;
        boolean[] kept = new boolean[t];
        int k = Math.min(topK, t);
        for (int n = 0; n < k; n++) {
            int best = -1;
            for (int j = 0; j < t; j++) {
                if (!kept[j] && (best < 0 || w[j] > w[best])) {
                    best = j;
                }
            }
            kept[best] = true;
        }
        return kept;
    }

    private float[] gridWeights(int[] counts) {
        float[] out = new float[counts.length];
        for (int j = 0; j < counts.length; j++) {
            out[j] = (float) ((double) counts[j] / q);
        }
        return out;
    }

    private String key(int[] counts) {
        StringBuilder sb = new StringBuilder().append('q').append(q).append(':');
        boolean first = true;
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] != 0) {
                if (!first) {
                    sb.append(',');
                }
                sb.append(j).append('=').append(counts[j]);
                first = false;
            }
        }
        return sb.toString();
    }
}
