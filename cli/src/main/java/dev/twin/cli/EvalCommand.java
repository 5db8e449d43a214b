package dev.twin.cli;

import dev.twin.core.eval.AblationEvaluation;
import dev.twin.core.eval.CompressionSweep;
import dev.twin.core.eval.EvalConfig;
import dev.twin.core.eval.EvalReport;
import dev.twin.core.eval.ReportWriter;
import dev.twin.core.eval.SuiteEvaluation;
import dev.twin.core.eval.SweepReport;
import dev.twin.core.eval.SweepWriter;
import dev.twin.core.eval.TasksSweep;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin eval}: the paper's table on a task suite. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Train (or load cached) base and experts of a task suite, then score every method of the "
                + "evaluation protocol: pretrained, fine-tuned, average, task-arithmetic, ties, dare-ta, twin, "
                + "exact (twin through the factored experts, no materialization), twin-group, twin-lattice, top1. Prints the table and writes JSON, markdown and a PNG chart. "
                + "--ablation gives the paper's ablation tables instead, --sweep its compression or tasks sweep.")
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "synthetic | fashion-mnist-8 | text-6 (full fine-tuned MiniLM experts) | text-6-lora (LoRA adapters)")
    String suite;

    @Option(names = "--json", paramLabel = "FILE", description = "write the results as JSON (DESIGN.md's schema)")
    Path json;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where the markdown table and PNG chart go (default: beside --json, else ~/.cache/twin/eval/SUITE)")
    Path outDir;

    @Option(names = "--bundle-out", paramLabel = "DIR",
            description = "where the suite's bundle is written (default: ~/.cache/twin/bundles/SUITE)")
    Path bundleDir;

    @Option(names = "--ablation", description = "the paper's ablations (Table 6: pretrained, shared expert alone, "
            + "dynamic merging over θ0, shared + dynamic; Table 11: twin over average, task-arithmetic, ties)")
    boolean ablation;

    @Option(names = "--sweep", paramLabel = "KIND", description = "compression (svd, magnitude, bernoulli at "
            + "densities 0.5%%..50%%: normalized score and storage) | tasks (average normalized score against the "
            + "number of merged tasks, 2..T)")
    String sweep;

    @Option(names = "--subsets", paramLabel = "N", description = "tasks sweep: task subsets per size (default: 3)")
    Integer subsets;

    @Option(names = "--compressions", split = ",", paramLabel = "M[,M...]",
            description = "compression sweep: the methods (default: svd,magnitude,bernoulli)")
    List<String> compressions;

    @Option(names = "--densities", split = ",", paramLabel = "D[,D...]",
            description = "compression sweep: the densities kept, in (0, 1] (default: 0.005,0.01,0.02,0.05,0.1,0.2,0.5)")
    List<Double> densities;

    @Option(names = "--rank", paramLabel = "R", description = "SVD rank of the exclusive experts (default: the "
            + "suite's, 16); the bundle is rebuilt when its rank differs")
    Integer rank;

    static final List<String> SWEEPS = List.of("compression", "tasks");

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintStream log = new PrintStream(System.err, true);
        if (!Suites.NAMES.contains(suite)) {
            throw new CommandLine.ParameterException(cl, "unknown suite '" + suite + "' (known: " + Suites.NAMES + ")");
        }
        if (sweep != null && !SWEEPS.contains(sweep)) {
            throw new CommandLine.ParameterException(cl, "unknown sweep '" + sweep + "' (choices: "
                    + String.join(", ", SWEEPS) + ")");
        }
        if (ablation && sweep != null) {
            throw new CommandLine.ParameterException(cl, "--ablation and --sweep are separate runs: give one of them");
        }
        if (subsets != null && !"tasks".equals(sweep)) {
            throw new CommandLine.ParameterException(cl, "--subsets applies to --sweep tasks only");
        }
        if (subsets != null && subsets < 1) {
            throw new CommandLine.ParameterException(cl, "--subsets must be >= 1, got " + subsets);
        }
        if ((compressions != null || densities != null) && !"compression".equals(sweep)) {
            throw new CommandLine.ParameterException(cl, "--compressions and --densities apply to --sweep compression only");
        }
        if (compressions != null) {
            for (String c : compressions) {
                if (!CompressionSweep.METHODS.contains(c)) {
                    throw new CommandLine.ParameterException(cl, "unknown compression '" + c + "' (choices: "
                            + String.join(", ", CompressionSweep.METHODS) + ")");
                }
            }
        }
        if (densities != null) {
            for (double d : densities) {
                if (!(d > 0 && d <= 1)) {
                    throw new CommandLine.ParameterException(cl, "--densities must lie in (0, 1], got " + d);
                }
            }
        }
        if (rank != null && rank < 1) {
            throw new CommandLine.ParameterException(cl, "--rank must be >= 1, got " + rank);
        }
        TaskSuite s = Suites.resolve(suite, DataLocator.standard(), log);
        Path bundle = bundleDir != null ? bundleDir : TwinPaths.cacheDir().resolve("bundles").resolve(s.name());
        String kind = ablation ? "ablation-" : sweep != null ? "sweep-" + sweep + "-" : "eval-";
        Path dir = outDir != null ? outDir
                : json != null ? json.toAbsolutePath().getParent()
                : TwinPaths.cacheDir().resolve("eval").resolve(s.name());
        Files.createDirectories(dir);
        String stem = json != null ? json.getFileName().toString().replaceFirst("\\.json$", "") : kind + s.name();
        Path md = dir.resolve(stem + ".md");
        Path png = dir.resolve(stem + ".png");
        EvalConfig cfg = EvalConfig.defaults().withSvdRank(rank);
        if (sweep != null) {
            SweepReport report = sweep.equals("compression")
                    ? CompressionSweep.run(s, cfg, compressions != null ? compressions : CompressionSweep.METHODS,
                            densities != null ? densities : CompressionSweep.DENSITIES, bundle, log)
                    : TasksSweep.run(s, cfg, subsets != null ? subsets : 3, bundle,
                            TwinPaths.cacheDir().resolve("eval").resolve(s.name()).resolve("tasks-sweep-bundle"), log);
            cl.getOut().print(SweepWriter.console(report));
            Files.writeString(md, SweepWriter.markdown(report));
            SweepWriter.writeChart(report, png, sweep.equals("compression"));
            if (json != null) {
                SweepWriter.writeJson(report, json);
            }
        } else {
            EvalReport report = ablation ? AblationEvaluation.run(s, cfg, bundle, log)
                    : SuiteEvaluation.run(s, cfg, bundle, log);
            cl.getOut().print(ReportWriter.console(report));
            Files.writeString(md, ReportWriter.markdown(report));
            ReportWriter.writeChart(report, png);
            if (json != null) {
                ReportWriter.writeJson(report, json);
            }
        }
        if (json != null) {
            cl.getOut().println("json: " + json);
        }
        cl.getOut().println("markdown: " + md);
        cl.getOut().println("chart: " + png);
        cl.getOut().println("bundle: " + bundle);
        return 0;
    }
}
