package dev.twin.core.group;

import java.util.List;

/**
 * Stage 2 of Twin-Merging (TWIN-MERGING.md): turns the router's merge weights of a batch into groups that each need
 * one materialization. Every input of the batch appears in exactly one group.
 */
public interface GroupingStrategy {

    /** Registry name, e.g. "per-request", "group", "lattice". */
    String name();

    /** False for a strategy that ignores the weights (the router need not run at all). */
    default boolean usesRouter() {
        return true;
    }

    /**
     * True when every row must be computed with its own w (factored execution, {@link Exact}); the groups are then
     * transport units, not materializations.
     */
    default boolean perRowWeights() {
        return false;
    }

    /**
     * Groups a batch. {@code weights[i]} is the softmax weight vector w of input i (length T, finite, non-negative);
     * all vectors have the same length. An empty batch gives no groups.
     */
    List<Group> assign(float[][] weights);
}
