package dev.twin.cli;

import dev.twin.core.merge.MergeOptions;
import dev.twin.core.merge.TrimScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The flags merge and modularize share: inputs and the static method's parameters. */
final class MergeFlags {
    @Option(names = "--base", required = true, paramLabel = "F",
            description = "base checkpoint: a .safetensors file or a sharded checkpoint directory")
    Path base;

    @Option(names = "--expert", required = true, paramLabel = "NAME=F",
            description = "a task expert fine-tuned from the base, or a PEFT LoRA adapter directory "
                    + "(repeat for each expert)")
    List<String> experts = new ArrayList<>();

    @Option(names = "--lambda", paramLabel = "X", description = "scaling factor λ (default: 1.0)")
    Double lambda;

    @Option(names = "--density", paramLabel = "D",
            description = "fraction of entries kept (ties default 0.2, dare-* default 0.5)")
    Double density;

    @Option(names = "--trim-scope", paramLabel = "tensor|global",
            description = "ties trim scope: per tensor (default) or the whole flattened model")
    String trimScope;

    @Option(names = "--seed", paramLabel = "N", description = "seed of random drops (default: 0)")
    Long seed;

    @Option(names = "--exclude", paramLabel = "REGEX",
            description = "tensors whose full name matches are copied from the base, never merged (repeatable)")
    List<String> exclude = new ArrayList<>();

    /** NAME=F pairs in command-line order; duplicate or malformed names are argument errors. */
    Map<String, Path> expertPaths(CommandLine cl) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String e : experts) {
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new CommandLine.ParameterException(cl, "--expert wants NAME=F, got '" + e + "'");
            }
            String name = e.substring(0, eq);
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new CommandLine.ParameterException(cl, "expert name '" + name
                        + "' may only hold letters, digits, '_', '.', '-'");
            }
            if (out.put(name, Path.of(e.substring(eq + 1))) != null) {
                throw new CommandLine.ParameterException(cl, "expert '" + name + "' given twice");
            }
        }
        return out;
    }

    MergeOptions options(CommandLine cl) {
        MergeOptions o = MergeOptions.defaults();
        if (lambda != null) {
            o = o.withLambda(lambda);
        }
        if (density != null) {
            o = o.withDensity(density);
        }
        if (trimScope != null) {
            try {
                o = o.withTrimScope(TrimScope.parse(trimScope));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
        }
        if (seed != null) {
            o = o.withSeed(seed);
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String r : exclude) {
            try {
                patterns.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new CommandLine.ParameterException(cl, "--exclude '" + r + "' is not a valid regex: "
                        + e.getDescription());
            }
        }
        return o.withExclude(patterns);
    }
}
