package dev.twin.cli.stack;

import dev.twin.cli.security.ClientSecurity;
import dev.twin.cli.security.StackSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service of the stack run as a detached child JVM ({@code java -jar quarkus-run.jar} with {@code -D} config),
 * its output appended to a log file, and its readiness probe ({@code /q/health/ready}).
 */
public final class ServiceProcess {
    /** Bound on a graceful stop after SIGTERM before the process is killed (services finish in-flight work). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    private static final int TAIL_LINES = 40;

    private ServiceProcess() {
    }

    /** What to start: name (also the log file's), jar, HTTP/gRPC port, heap and {@code -D} properties. */
    public record Spec(String name, Path jar, int port, String heap, Map<String, String> properties) {
    }

    /** A started service: its spec, pid and log. */
    public record Started(Spec spec, long pid, Path log, long logStart) {
        public String readyUrl() {
            String scheme = StackSecurity.serverCa(spec.properties()).isPresent() ? "https" : "http";
            return scheme + "://127.0.0.1:" + spec.port() + "/q/health/ready";
        }
    }

    /**
     * Starts {@code spec} in its own session (setsid, when available) so it outlives the CLI; glibc's mmap threshold
     * is fixed as README's memory note explains.
     */
    public static Started start(Spec spec, Path workDir) {
        Ports.requireFree(spec.port(), spec.name());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + spec.heap());
        cmd.addAll(StackJvmOptions.fromEnvironment());
        cmd.add("-Dquarkus.http.port=" + spec.port());
        spec.properties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(spec.jar().toString());
        Path log = workDir.resolve(spec.name() + ".log");
        long logStart = ChildProcesses.sizeOf(log);
        ProcessBuilder pb = new ProcessBuilder(Detached.command(cmd)).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Started(spec, p.pid(), log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name() + " (" + String.join(" ", cmd) + ")", e);
        }
    }

    /**
     * Waits until {@code s}'s readiness probe answers 200 with status UP, up to {@code deadlineNanos}; fails with the
     * log's first error and tail when the process exits or the time is up.
     */
    public static void awaitReady(Started s, long deadlineNanos, Duration bound) {
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        // a service serving HTTPS only is probed over HTTPS, verified with the CA its own properties name
        StackSecurity.serverCa(s.spec().properties()).ifPresent(ca -> hb.sslContext(ClientSecurity.sslContext(ca)));
        HttpClient http = hb.build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.readyUrl())).timeout(Duration.ofSeconds(5)).GET().build();
        String last = "no answer";
        while (true) {
            if (ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
                throw failure(s, s.spec().name() + " (pid " + s.pid() + ") exited before it was ready");
            }
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
            } catch (IOException e) {
                last = String.valueOf(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + s.spec().name(), e);
            }
            if (System.nanoTime() > deadlineNanos) {
                throw failure(s, s.spec().name() + " not ready within " + bound.toSeconds() + " s at " + s.readyUrl()
                        + " (last answer: " + last + ")");
            }
            ChildProcesses.sleep(250, "a service");
        }
    }

    private static IllegalStateException failure(Started s, String what) {
        String error = LogTail.firstError(s.log(), s.logStart());
        return new IllegalStateException(what + (error.isEmpty() ? "" : "\nfirst error:\n" + error) + "\n" + s.log()
                + " ends with:\n" + LogTail.of(s.log(), s.logStart(), TAIL_LINES));
    }

    /**
     * SIGTERM to the process {@code pid} if it still runs {@code jar}, wait up to {@link #STOP_TIMEOUT}, then kill.
     * Returns false when no such process runs (gone, or the pid now belongs to another program).
     */
    public static boolean stop(long pid, Path jar) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(p -> p.isAlive() && runs(p, jar));
        if (h.isEmpty()) {
            return false;
        }
        ChildProcesses.terminate(h.get(), STOP_TIMEOUT);
        return true;
    }

    /** True when {@code pid} is alive and runs {@code jar}. */
    public static boolean alive(long pid, Path jar) {
        return ProcessHandle.of(pid).filter(p -> p.isAlive() && runs(p, jar)).isPresent();
    }

    private static boolean runs(ProcessHandle h, Path jar) {
        // no readable arguments (another user's process, some kernels): trust the recorded pid
        return h.info().arguments().map(a -> List.of(a).contains(jar.toString())).orElse(true);
    }
}
