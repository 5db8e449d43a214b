package dev.twin.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * JDK Flight Recorder profiles of running services, started and stopped with {@code jcmd} (no restart, no flag on
 * the service), and the summary that says where a service's time went: the hottest frames by self samples (the top
 * frame) and by inclusive samples (anywhere on the stack), Java and native samples together, since libtorch and ONNX
 * Runtime work shows up as native method samples.
 */
public final class JfrProfile {
    static final String RECORDING = "twin-bench";
    /**
     * Top frames of a thread that waits rather than works: JFR samples threads blocked in native code (a selector, a
     * parked thread) as native method samples, which would otherwise bury the work under idle event loops.
     */
    static final Pattern IDLE = Pattern.compile("(EPoll\\.wait|\\.epollWait|\\.poll0?|Net\\.poll|\\.accept0?"
            + "|Unsafe\\.park|Thread\\.sleep|Object\\.wait0?|\\.socketRead0|\\.waitForProcessExit)$");
    private static final long JCMD_TIMEOUT_S = 60;

    /** One frame ({@code Class.method}) and its share of the samples. */
    public record Entry(String frame, long samples, double share) {
    }

    /** A profile's totals (working samples in Java and in native code, idle waits left out) and hottest frames. */
    public record Summary(String service, Path file, long javaSamples, long nativeSamples, long idleSamples,
                          List<Entry> self, List<Entry> inclusive) {
        public String console(int top) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "%s: %d working samples in Java, %d in native code (%d idle waits left out; %s)%n", service,
                    javaSamples, nativeSamples, idleSamples, file));
            sb.append("  self (top frame):\n");
            self.stream().limit(top).forEach(e -> sb.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n",
                    100 * e.share(), e.frame())));
            sb.append("  inclusive (anywhere on the stack):\n");
            inclusive.stream().limit(top).forEach(e -> sb.append(String.format(Locale.ROOT, "    %5.1f%%  %s%n",
                    100 * e.share(), e.frame())));
            return sb.toString();
        }
    }

    private JfrProfile() {
    }

    /** Starts a recording with the JDK's "profile" settings in the JVM {@code pid}. */
    public static void start(long pid) {
        jcmd(pid, "JFR.start", "name=" + RECORDING, "settings=profile");
    }

    /** Writes the recording of {@code pid} to {@code file} and stops it. */
    public static void stop(long pid, Path file) {
        jcmd(pid, "JFR.stop", "name=" + RECORDING, "filename=" + file.toAbsolutePath());
    }

    /**
     * The summary of a recording: execution samples and native method samples that are not idle waits, top
     * {@code top} frames each way.
     */
    public static Summary summarize(String service, Path file, int top) {
        List<List<String>> stacks = new ArrayList<>();
        long java = 0;
        long nat = 0;
        long idle = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                boolean isJava = type.equals("jdk.ExecutionSample");
                if ((!isJava && !type.equals("jdk.NativeMethodSample")) || e.getStackTrace() == null) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
                }
                if (frames.isEmpty() || IDLE.matcher(frames.get(0)).find()) {
                    idle++;
                    continue;
                }
                stacks.add(frames);
                if (isJava) {
                    java++;
                } else {
                    nat++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JFR recording " + file + ": " + e.getMessage(), e);
        }
        return new Summary(service, file, java, nat, idle, top(stacks, top, false), top(stacks, top, true));
    }

    /**
     * The {@code n} frames with the most samples, most first (ties by name); a stack is top frame first. Self counts
     * a sample for its top frame, inclusive counts it once for every distinct frame on its stack.
     */
    static List<Entry> top(List<List<String>> stacks, int n, boolean inclusive) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> s : stacks) {
            if (s.isEmpty()) {
                continue;
            }
            if (inclusive) {
                Set<String> seen = new HashSet<>(s);
                seen.forEach(f -> counts.merge(f, 1L, Long::sum));
            } else {
                counts.merge(s.get(0), 1L, Long::sum);
            }
        }
        double total = stacks.size();
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(e -> new Entry(e.getKey(), e.getValue(), e.getValue() / total)).toList();
    }

    private static void jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(String.valueOf(pid));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + JCMD_TIMEOUT_S
                        + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || text.contains("Exception") || text.contains("Could not")) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + text.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd (it ships with the JDK): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
