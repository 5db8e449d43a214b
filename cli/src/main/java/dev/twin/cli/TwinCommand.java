package dev.twin.cli;

import dev.twin.core.runtime.DjlRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code twin} command: Twin-Merging from the command line. */
@Command(name = "twin", mixinStandardHelpOptions = true, version = "twin 0.1.0",
        description = "Twin-Merging: merge task experts, modularize them into a shared expert plus compressed "
                + "exclusive experts, materialize dynamic merges, and evaluate on task suites.",
        subcommands = {MergeCommand.class, ModularizeCommand.class, MaterializeCommand.class, EvalCommand.class,
                UpCommand.class, DownCommand.class, DemoCommand.class, BenchCommand.class, RecipeCommand.class,
                CommandLine.HelpCommand.class})
public final class TwinCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad arguments). */
    public static int execute(String... args) {
        DjlRuntime.configure();
        CommandLine cl = new CommandLine(new TwinCommand());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("twin: " + ex.getMessage());
            ex.getCommandLine().getErr().println("(see: twin " + ex.getCommandLine().getCommandName().replace("twin", "").trim()
                    + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("twin " + commandLine.getCommandName() + ": " + Failures.reason(ex));
            if (System.getenv("TWIN_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }
}
