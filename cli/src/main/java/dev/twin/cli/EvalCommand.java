package dev.twin.cli;

import dev.twin.core.eval.EvalConfig;
import dev.twin.core.eval.EvalReport;
import dev.twin.core.eval.ReportWriter;
import dev.twin.core.eval.SuiteEvaluation;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin eval}: the paper's table on a task suite. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Train (or load cached) base and experts of a task suite, then score every method of the "
                + "evaluation protocol: pretrained, fine-tuned, average, task-arithmetic, ties, dare-ta, twin, "
                + "exact (twin through the factored experts, no materialization), twin-group, twin-lattice, top1. Prints the table and writes JSON, markdown and a PNG chart.")
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

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintStream log = new PrintStream(System.err, true);
        if (!Suites.NAMES.contains(suite)) {
            throw new CommandLine.ParameterException(cl, "unknown suite '" + suite + "' (known: " + Suites.NAMES + ")");
        }
        TaskSuite s = Suites.resolve(suite, DataLocator.standard(), log);
        Path bundle = bundleDir != null ? bundleDir : TwinPaths.cacheDir().resolve("bundles").resolve(s.name());
        EvalReport report = SuiteEvaluation.run(s, EvalConfig.defaults(), bundle, log);
        cl.getOut().print(ReportWriter.console(report));
        Path dir = outDir != null ? outDir
                : json != null ? json.toAbsolutePath().getParent()
                : TwinPaths.cacheDir().resolve("eval").resolve(s.name());
        Files.createDirectories(dir);
        String stem = json != null ? json.getFileName().toString().replaceFirst("\\.json$", "") : "eval-" + s.name();
        Path md = dir.resolve(stem + ".md");
        Path png = dir.resolve(stem + ".png");
        Files.writeString(md, ReportWriter.markdown(report));
        ReportWriter.writeChart(report, png);
        if (json != null) {
            ReportWriter.writeJson(report, json);
            cl.getOut().println("json: " + json);
        }
        cl.getOut().println("markdown: " + md);
        cl.getOut().println("chart: " + png);
        cl.getOut().println("bundle: " + bundle);
        return 0;
    }
}
