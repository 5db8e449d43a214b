package dev.twin.cli;

import dev.twin.core.compress.Compressor;
import dev.twin.core.compress.Compressors;
import dev.twin.core.merge.MergeMethod;
import dev.twin.core.merge.MergeMethods;
import dev.twin.core.tensor.DType;
import picocli.CommandLine;

/** Turns names given on the command line into engine objects, or an argument error naming the choices. */
final class Args {
    private Args() {
    }

    static MergeMethod method(CommandLine cl, String name) {
        try {
            return MergeMethods.byName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    static Compressor compressor(CommandLine cl, String name) {
        try {
            return Compressors.byName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    static DType dtype(CommandLine cl, String name, DType fallback) {
        if (name == null) {
            return fallback;
        }
        return switch (name.toLowerCase()) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            default -> throw new CommandLine.ParameterException(cl, "--dtype must be f32, f16 or bf16, got '"
                    + name + "'");
        };
    }
}
