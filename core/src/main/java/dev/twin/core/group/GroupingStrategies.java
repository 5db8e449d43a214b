package dev.twin.core.group;

import java.util.List;

/** Creates a {@link GroupingStrategy} by its registry name. */
public final class GroupingStrategies {
    /** Top-1 routing (the argmax expert alone) is the lattice with one weight on a grid of step 1. */
    public static final String TOP1 = "top1";
    public static final List<String> NAMES = List.of(PerRequest.NAME, GroupKMeans.NAME, Lattice.NAME, TOP1);
    /** Every name {@link #create} accepts: {@link #NAMES} plus the serving baseline {@value SharedOnly#NAME}. */
    public static final List<String> SERVING_NAMES = List.of(Exact.NAME, PerRequest.NAME, GroupKMeans.NAME,
            Lattice.NAME, TOP1, SharedOnly.NAME);

    private GroupingStrategies() {
    }

    /**
     * @param name one of {@link #SERVING_NAMES}
     * @param k    groups per batch for "group" (the paper uses {@link GroupKMeans#PAPER_K})
     * @param topK weights kept by "lattice"
     * @param q    grid resolution of "lattice" (step 1/q)
     * @param seed k-means++ seed of "group"
     */
    public static GroupingStrategy create(String name, int k, int topK, int q, long seed) {
        if (name == null) {
            throw new IllegalArgumentException("grouping strategy name is null; known: " + SERVING_NAMES);
        }
        return switch (name) {
            case Exact.NAME -> new Exact();
            case PerRequest.NAME -> new PerRequest();
            case GroupKMeans.NAME -> new GroupKMeans(k, seed);
            case Lattice.NAME -> new Lattice(topK, q);
            case TOP1 -> new Top1();
            case SharedOnly.NAME -> new SharedOnly();
            default -> throw new IllegalArgumentException(
                    "unknown grouping strategy '" + name + "'; known: " + SERVING_NAMES);
        };
    }

    /** "top1": one-hot w on the argmax task (ties to the lower index), keyed like the lattice, e.g. "q1:3=1". */
    private static final class Top1 implements GroupingStrategy {
        private final Lattice lattice = new Lattice(1, 1);

        @Override
        public String name() {
            return TOP1;
        }

        @Override
        public List<Group> assign(float[][] weights) {
            return lattice.assign(weights);
        }
    }
}
