package dev.twin.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command prefix that starts a child in its own session ({@code setsid}, which execs in place so the pid stays the
 * child's) so that it outlives the CLI and no terminal signal to the CLI's process group reaches it.
 */
final class Detached {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Detached() {
    }

    /** {@code command} prefixed with setsid when the system has it, else unchanged. */
    static List<String> command(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> cmd = new ArrayList<>(command.size() + 1);
        cmd.add(SETSID.toString());
        cmd.addAll(command);
        return cmd;
    }
}
