package dev.twin.core.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Options of a static merge.
 *
 * @param lambda    scaling factor λ of the merged task vector (task-arithmetic, ties, dare-*); finite
 * @param density   fraction of entries KEPT, in (0, 1]; null means the method's default (ties 0.2, dare-* 0.5)
 * @param trimScope scope of the TIES trim and of its γ = 0 rule
 * @param seed      seed of the DARE drops
 * @param exclude   tensors whose name fully matches any of these are copied from the base unchanged
 */
public record MergeOptions(double lambda, Double density, TrimScope trimScope, long seed, List<Pattern> exclude) {

    public MergeOptions {
        if (!Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda must be a finite number, got " + lambda);
        }
        if (density != null) {
            Density.check(density, "merge option density");
        }
        if (trimScope == null) {
            throw new IllegalArgumentException("trim scope must be given ('tensor' or 'global')");
        }
        if (exclude == null) {
            exclude = List.of();
        } else {
            for (int i = 0; i < exclude.size(); i++) {
                if (exclude.get(i) == null) {
                    throw new IllegalArgumentException("exclude pattern " + i + " is null");
                }
            }
            exclude = List.copyOf(exclude);
        }
    }

    /** λ = 1, method-default density, trim scope tensor, seed 0, nothing excluded. */
    public static MergeOptions defaults() {
        return new MergeOptions(1.0, null, TrimScope.TENSOR, 0L, List.of());
    }

    public MergeOptions withLambda(double newLambda) {
        return new MergeOptions(newLambda, density, trimScope, seed, exclude);
    }

    /** {@code null} restores the method's default density. */
    public MergeOptions withDensity(Double newDensity) {
        return new MergeOptions(lambda, newDensity, trimScope, seed, exclude);
    }

    public MergeOptions withTrimScope(TrimScope newScope) {
        return new MergeOptions(lambda, density, newScope, seed, exclude);
    }

    public MergeOptions withSeed(long newSeed) {
        return new MergeOptions(lambda, density, trimScope, newSeed, exclude);
    }

    public MergeOptions withExclude(List<Pattern> newExclude) {
        return new MergeOptions(lambda, density, trimScope, seed, newExclude);
    }

    /** Compiles each regex (as given on the command line) into the exclude list, with a clear error for a bad one. */
    public MergeOptions withExcludeRegexes(List<String> regexes) {
        List<Pattern> patterns = new ArrayList<>();
        for (String r : regexes) {
            try {
                patterns.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad exclude regex '" + r + "': " + e.getDescription(), e);
            }
        }
        return withExclude(patterns);
    }

    /** The density to use: the one given, or {@code methodDefault}. */
    public double densityOr(double methodDefault) {
        return density != null ? density : methodDefault;
    }

    /** True when {@code tensorName} fully matches an exclude pattern. */
    public boolean isExcluded(String tensorName) {
        for (Pattern p : exclude) {
            if (p.matcher(tensorName).matches()) {
                return true;
            }
        }
        return false;
    }
}
