/**
 * Twin-Merging served exactly without materialization (TWIN-MERGING.md, "exact"). {@link
 * dev.twin.core.factored.FactoredExperts} stacks the exclusive experts of a bundle once; its {@code layers(w)} is a
 * {@link dev.twin.core.model.Layers} in which every example of a batch runs with its own θ(w), so any architecture's
 * forward pass ({@code Architecture.features(Layers, x)}) serves a batch of rows with all-different router weights.
 *
 * <p>Cost per row on top of θ*: ΣR·(m+n) MACs per low-rank [m, n] tensor (two GEMMs and a scale), T·n per rank-1
 * tensor, and T·m·n per dense or sparse expert tensor (kept as a dense stack). Measured on fashion-mnist-8 (mlp
 * 784→512→256, T = 8, rank 16, batch 64, loaded machine): 1.3–2.6× the time of the θ* forward, while materializing θ(w)
 * for one row costs over 100× a factored row.
 */
package dev.twin.core.factored;
