package dev.twin.cli;

import dev.twin.cli.stack.Stack;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin down}: stops what {@code twin up} recorded. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the services and the Kafka broker that twin up started (by their recorded process ids).")
final class DownCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--workdir", paramLabel = "DIR", description = "the working directory of twin up "
            + "(default: ~/.cache/twin/stack)")
    Path workDir;

    @Override
    public Integer call() {
        Path work = (workDir != null ? workDir : UpCommand.defaultWorkDir()).toAbsolutePath().normalize();
        List<String> stopped = Stack.down(work);
        var out = spec.commandLine().getOut();
        if (stopped.isEmpty()) {
            out.println("nothing to stop: no running stack recorded in " + work);
        } else {
            stopped.forEach(s -> out.println("stopped " + s));
        }
        out.flush();
        return 0;
    }
}
