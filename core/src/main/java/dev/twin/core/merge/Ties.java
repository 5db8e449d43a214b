package dev.twin.core.merge;

import dev.twin.core.tensor.WeightSet;
import java.util.ArrayList;
import java.util.List;

/**
 * TIES merging (Yadav et al. 2023) as TWIN-MERGING.md defines it.
 * <ol>
 *   <li>Trim: each τt keeps its k = max(1, floor(density·n)) entries of largest |value|, the rest become 0. With scope
 *       {@link TrimScope#TENSOR} n and the ranking are per tensor; with {@link TrimScope#GLOBAL} they run over all
 *       merged tensors of τt flattened in weight-set order. Magnitudes tied at the threshold are kept from the lowest
 *       flat index up, so exactly k entries are kept.</li>
 *   <li>Elect: γ = sign(Σt τ̂t). Where γ = 0 it becomes the sign of Σγ over the same scope (the tensor, or the whole
 *       model for GLOBAL); when Σγ is 0 too, +1.</li>
 *   <li>Disjoint mean: τm = mean of the τ̂t that are non-zero with sign γ, 0 where none is.</li>
 *   <li>θ = θ0 + λ·τm.</li>
 * </ol>
 * Default density 0.2 (the TIES paper keeps the top 20%).
 */
public final class Ties implements MergeMethod {
    public static final double DEFAULT_DENSITY = 0.2;

    @Override
    public String name() {
        return "ties";
    }

    @Override
    public WeightSet merge(WeightSet base, List<WeightSet> experts, MergeOptions opts) {
        List<String> names = TaskVectors.mergedNames(base, experts, opts);
        return combine(base, TaskVectors.of(base, experts, names), opts.densityOr(DEFAULT_DENSITY), opts);
    }

    /** Trim, elect and disjoint mean on given task vectors (trimmed in place); other tensors from the base. */
    static WeightSet combine(WeightSet base, List<WeightSet> taus, double density, MergeOptions opts) {
        List<String> names = new ArrayList<>(taus.get(0).names());
        WeightSet merged = new WeightSet();
        for (List<String> group : scopeGroups(names, opts.trimScope())) {
            for (WeightSet tau : taus) {
                trim(tau, group, density);
            }
            electAndMerge(base, taus, group, opts.lambda(), merged);
        }
        return TaskVectors.withBaseForExcluded(base, merged);
    }

    /** The sets of tensors one trim ranking and one γ = 0 rule cover. */
    private static List<List<String>> scopeGroups(List<String> names, TrimScope scope) {
        if (scope == TrimScope.GLOBAL) {
            return names.isEmpty() ? List.of() : List.of(names);
        }
        List<List<String>> groups = new ArrayList<>(names.size());
        for (String n : names) {
            groups.add(List.of(n));
        }
        return groups;
    }

    /** Keeps the top k = max(1, floor(density·n)) entries by |value| over the group, zeroing the rest. */
    private static void trim(WeightSet tau, List<String> group, double density) {
        float[][] parts = new float[group.size()][];
        long n = 0;
        for (int j = 0; j < parts.length; j++) {
            parts[j] = tau.get(group.get(j)).data();
            n += parts[j].length;
        }
        MagnitudeTrim trim = MagnitudeTrim.keepTop(Math.max(1, Density.keepCount(density, n)), parts);
        for (float[] p : parts) {
            trim.apply(p);
        }
    }

    private static void electAndMerge(WeightSet base, List<WeightSet> taus, List<String> group, double lambda,
                                      WeightSet merged) {
        int experts = taus.size();
        byte[][] gamma = new byte[group.size()][];
        long gammaSum = 0;
        for (int j = 0; j < group.size(); j++) {
            float[][] x = column(taus, group.get(j));
            byte[] g = new byte[x[0].length];
            for (int i = 0; i < g.length; i++) {
                float s = 0f;
                for (int t = 0; t < experts; t++) {
                    s += x[t][i];
                }
                g[i] = (byte) (s > 0f ? 1 : s < 0f ? -1 : 0); // γ = sign(Σt τ̂t)
                gammaSum += g[i];
            }
            gamma[j] = g;
        }
        byte fallback = (byte) (gammaSum >= 0 ? 1 : -1); // γ = 0 → sign(Σγ), +1 when Σγ = 0
        for (int j = 0; j < group.size(); j++) {
            String name = group.get(j);
            float[][] x = column(taus, name);
            byte[] g = gamma[j];
            float[] mean = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                boolean positive = (g[i] == 0 ? fallback : g[i]) > 0;
                float s = 0f;
                int count = 0;
                for (int t = 0; t < experts; t++) {
                    float v = x[t][i];
                    if (positive ? v > 0f : v < 0f) {
                        s += v;
                        count++;
                    }
                }
                mean[i] = count == 0 ? 0f : s / count; // τm = mean of the τ̂t agreeing with γ
            }
            merged.put(name, TaskVectors.addScaled(base.get(name), mean, lambda));
        }
    }

    private static float[][] column(List<WeightSet> taus, String name) {
        float[][] x = new float[taus.size()][];
        for (int t = 0; t < x.length; t++) {
            x[t] = taus.get(t).get(name).data();
        }
        return x;
    }
}
