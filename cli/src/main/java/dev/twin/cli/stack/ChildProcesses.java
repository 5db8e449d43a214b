package dev.twin.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the broker and the services share as child processes of {@code twin up}: stopping, waiting, their logs. */
final class ChildProcesses {
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ChildProcesses() {
    }

    /** SIGTERM (a graceful shutdown), up to {@code timeout} to exit, then SIGKILL. */
    static void terminate(ProcessHandle h, Duration timeout) {
        h.destroy();
        if (!awaitExit(h, timeout)) {
            h.destroyForcibly();
            awaitExit(h, KILL_WAIT);
        }
    }

    /** True once {@code h} has exited, false if it still runs after {@code timeout}. */
    static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        }
    }

    /** Size of a log file, 0 when it does not exist yet (where this start's lines begin). */
    static long sizeOf(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Sleeps between readiness polls; an interrupt aborts the wait for {@code what}. */
    static void sleep(long ms, String what) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }
}
