package dev.twin.core.group;

import java.util.Arrays;

/**
 * One group of a batch: the inputs listed in {@code members} (indices into the batch) share one materialization of
 * θ* + Σt wt·v̂t with {@code weights} as w. {@code key} names the merged weight set (a cache / partition key).
 */
public record Group(String key, float[] weights, int[] members) {

    public Group {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("group key must not be empty");
        }
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("group '" + key + "' has no weights");
        }
        if (members == null || members.length == 0) {
            throw new IllegalArgumentException("group '" + key + "' has no members");
        }
    }

    public int size() {
        return members.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Group g && key.equals(g.key) && Arrays.equals(weights, g.weights)
                && Arrays.equals(members, g.members);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * key.hashCode() + Arrays.hashCode(weights)) + Arrays.hashCode(members);
    }

    @Override
    public String toString() {
        return "Group[" + key + ", w=" + Arrays.toString(weights) + ", members=" + Arrays.toString(members) + "]";
    }
}
