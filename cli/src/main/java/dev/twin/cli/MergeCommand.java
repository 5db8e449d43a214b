package dev.twin.cli;

import dev.twin.core.merge.MergeMethod;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.merge.MergeOptions;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin merge}: one static merge of the experts into a single checkpoint. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge task experts into one checkpoint with a static method "
                + "(average, task-arithmetic, ties, dare-ta, dare-ties).")
final class MergeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--method", required = true, paramLabel = "METHOD",
            description = "average | task-arithmetic | ties | dare-ta | dare-ties")
    String method;

    @CommandLine.Mixin
    MergeFlags flags;

    @Option(names = "--out", required = true, paramLabel = "F",
            description = "output: a .safetensors file, or a directory for a sharded checkpoint")
    Path out;

    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", description = "output dtype (default: the base's)")
    String dtype;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        MergeMethod m = Args.method(cl, method);
        MergeOptions opts = flags.options(cl);
        CheckpointFiles.Inputs in = CheckpointFiles.load(flags.base, flags.expertPaths(cl), n -> true);
        long t0 = System.nanoTime();
        WeightSet merged = m.merge(in.base(), in.expertList(), opts);
        CheckpointFiles.write(out, merged, Args.dtype(cl, dtype, in.dtype()));
        cl.getOut().printf("merged %d experts with %s: %d tensors, %,d parameters -> %s (%.1f s)%n",
                in.experts().size(), m.name(), merged.size(), merged.numel(), out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

}
