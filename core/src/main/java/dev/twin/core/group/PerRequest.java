package dev.twin.core.group;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact Twin-Merging: every input is its own group with its own w (one materialization per input). The key spells
 * the exact float bits of w, so equal vectors always get equal keys (identical inputs are still not merged).
 */
public final class PerRequest implements GroupingStrategy {
    public static final String NAME = "per-request";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Group> assign(float[][] weights) {
        WeightBatch.validate(NAME, weights);
        List<Group> groups = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            float[] w = weights[i].clone();
            groups.add(new Group(key(w), w, new int[] {i}));
        }
        return groups;
    }

    /** "p:" + the IEEE-754 bits of each weight in hex: exact and independent of the JDK's float printing. */
    static String key(float[] w) {
        StringBuilder sb = new StringBuilder(3 + 9 * w.length).append("p:");
        for (int j = 0; j < w.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            float v = w[j] == 0f ? 0f : w[j]; // -0.0 and 0.0 merge to the same weights
            sb.append(Integer.toHexString(Float.floatToIntBits(v)));
        }
        return sb.toString();
    }
}
