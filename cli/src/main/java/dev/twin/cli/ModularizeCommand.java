package dev.twin.cli;

import dev.twin.core.bundle.BundleManifest;
import dev.twin.core.bundle.BundleWriter;
import dev.twin.core.compress.CompressOptions;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.modularize.ModularizeConfig;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.modularize.Modularizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin modularize}: shared expert + compressed exclusive experts, written as a bundle. */
@Command(name = "modularize", mixinStandardHelpOptions = true,
        description = "Split experts into a shared expert (a static merge) and compressed exclusive experts "
                + "vt = θt − θ*, written as a bundle directory with a manifest and sha256 of every file.")
final class ModularizeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    MergeFlags flags;

    @Option(names = "--shared", required = true, paramLabel = "METHOD",
            description = "static method of the shared expert: average | task-arithmetic | ties | dare-ta | dare-ties")
    String shared;

    @Option(names = "--compress", required = true, paramLabel = "METHOD",
            description = "none | svd | magnitude | bernoulli")
    String compress;

    @Option(names = "--compress-rank", paramLabel = "R", description = "svd: keep the top R singular triplets")
    Integer rank;

    @Option(names = "--compress-density", paramLabel = "D",
            description = "fraction kept: svd rank = max(1, floor(D·min(m,n))); magnitude/bernoulli entries")
    Double compressDensity;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "bundle directory to write")
    Path out;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        Args.method(cl, shared);
        var compressor = Args.compressor(cl, compress);
        MergeOptions opts = flags.options(cl);
        long seed = opts.seed();
        CompressOptions co;
        try {
            co = new CompressOptions(rank, compressDensity, seed);
            compressor.check(co);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        List<Pattern> exclude = opts.exclude();
        CheckpointFiles.Inputs in = CheckpointFiles.load(flags.base, flags.expertPaths(cl),
                n -> exclude.stream().noneMatch(p -> p.matcher(n).matches()));
        long t0 = System.nanoTime();
        Modularized m = Modularizer.run(in.base(), in.experts(), new ModularizeConfig(shared, opts, compress, co));
        BundleManifest manifest = BundleWriter.write(out, m, null,
                new BundleManifest.SharedSpec(shared, opts.lambda(), opts.density(),
                        opts.trimScope().name().toLowerCase(), seed, flags.exclude),
                new BundleManifest.CompressionSpec(compress, rank, compressDensity, seed), null, null);
        cl.getOut().printf("bundle of %d experts written to %s (%.1f s)%n%s", m.tasks().size(), out,
                (System.nanoTime() - t0) / 1e9, manifest.storage().describe());
        return 0;
    }
}
