package dev.twin.cli.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines a child process wrote to its log, for error messages. */
final class LogTail {
    private LogTail() {
    }

    /**
     * The first ERROR/FATAL line written after byte {@code from} and the line after it (usually the exception), or
     * "" when there is none: the cause of a failed start, which the shutdown noise after it would push out of a tail.
     */
    static String firstError(Path file, long from) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.min(from, f.length());
            byte[] bytes = new byte[(int) Math.min(f.length() - start, 4L * 1024 * 1024)];
            f.seek(start);
            f.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(" ERROR ") || lines[i].contains(" FATAL ")) {
                    return i + 1 < lines.length ? lines[i] + "\n" + lines[i + 1] : lines[i];
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Up to {@code maxLines} last lines of {@code file} written after byte {@code from} (at most 64 KiB read). */
    static String of(Path file, long from, int maxLines) {
        if (!Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(from, f.length() - 64 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            List<String> tail = lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
            return tail.isEmpty() || (tail.size() == 1 && tail.get(0).isBlank())
                    ? "(" + file + " is empty)" : String.join("\n", tail);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
