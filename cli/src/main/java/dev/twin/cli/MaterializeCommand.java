package dev.twin.cli;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin materialize}: θ(w) = θ* + Σ wt·v̂t from a bundle, written as a checkpoint. */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        description = "Materialize a dynamic merge θ(w) = θ* + Σ wt·v̂t from a bundle (tasks not named get weight 0).")
final class MaterializeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "bundle directory")
    Path bundle;

    @Option(names = "--weights", required = true, paramLabel = "NAME=W[,NAME=W...]",
            description = "merge weight per task, e.g. sst2=0.7,qnli=0.3")
    String weights;

    @Option(names = "--out", required = true, paramLabel = "F",
            description = "output: a .safetensors file, or a directory for a sharded checkpoint")
    Path out;

    @Option(names = "--dtype", paramLabel = "f32|f16|bf16", description = "output dtype (default: f32)")
    String dtype;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        DType type = Args.dtype(cl, dtype, DType.F32);
        Map<String, Float> named = parseWeights(cl, weights); // syntax first: a bad flag fails before any file is read
        Bundle b = Bundle.load(bundle);
        float[] w = toVector(cl, named, b.manifest().taskNames());
        try (Materializer m = new Materializer(b.modules())) {
            WeightSet ws = m.materializeWeights(w);
            CheckpointFiles.write(out, ws, type);
            cl.getOut().printf("materialized %d tensors (%,d parameters) for weights %s -> %s%n", ws.size(),
                    ws.numel(), weights, out);
        }
        return 0;
    }

    /** NAME=W[,NAME=W...] in order; malformed pairs, repeated names and non-finite weights are argument errors. */
    static Map<String, Float> parseWeights(CommandLine cl, String text) {
        Map<String, Float> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cl, "--weights wants NAME=W[,NAME=W...], got '" + part + "'");
            }
            String name = part.substring(0, eq).trim();
            float w;
            try {
                w = Float.parseFloat(part.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "weight of '" + name + "' is not a number: '"
                        + part.substring(eq + 1) + "'");
            }
            if (!Float.isFinite(w)) {
                throw new CommandLine.ParameterException(cl, "weight of '" + name + "' must be finite");
            }
            if (out.put(name, w) != null) {
                throw new CommandLine.ParameterException(cl, "task '" + name + "' given twice in --weights");
            }
        }
        return out;
    }

    /** One weight per bundle task, 0 for tasks not named; a name the bundle lacks is an argument error. */
    static float[] toVector(CommandLine cl, Map<String, Float> named, List<String> tasks) {
        float[] w = new float[tasks.size()];
        named.forEach((name, value) -> {
            int t = tasks.indexOf(name);
            if (t < 0) {
                throw new CommandLine.ParameterException(cl, "unknown task '" + name + "' (the bundle has " + tasks + ")");
            }
            w[t] = value;
        });
        return w;
    }
}
