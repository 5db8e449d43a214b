package dev.twin.core.suite.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads fortune(6) files ('%' lines separate the fortunes) and picks, among a package's files, the ones that hold
 * fortunes: fortune-topic and fortune-lang draw from them.
 */
public final class FortuneFiles {
    /** Files of pictures (ASCII art, banners), not of language: no topic or language to learn from them. */
    public static final Set<String> PICTURE_FILES = Set.of("ascii-art", "asciiart", "banner");

    private FortuneFiles() {
    }

    /** The fortunes of one file's text, in order, each with its line breaks kept; empty ones are dropped. */
    public static List<String> parse(String content) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : content.split("\r?\n", -1)) {
            if (line.equals("%")) {
                flush(cur, out);
            } else {
                cur.append(line).append('\n');
            }
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** The fortunes of a file on disk. */
    public static List<String> read(Path file) {
        return parse(TextFiles.read(file));
    }

    /**
     * Whether a package file is a fortune text file: below a directory named "fortunes" (Debian's
     * /usr/share/games/fortunes and its language subdirectories), not an index (.dat) or UTF-8 alias (.u8), not in an
     * offensive "off" directory, not a picture file.
     */
    public static boolean isFortuneFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".dat") || name.endsWith(".u8") || PICTURE_FILES.contains(topic(file))) {
            return false;
        }
        boolean underFortunes = false;
        for (Path dir = file.getParent(); dir != null && dir.getFileName() != null; dir = dir.getParent()) {
            String d = dir.getFileName().toString();
            if (d.equals("off") || d.equals("doc")) {
                return false; // offensive fortunes; documentation
            }
            underFortunes |= d.equals("fortunes");
        }
        return underFortunes;
    }

    /** A fortune file's topic: its name without a ".fortunes" suffix (fortunes-es names its files so). */
    public static String topic(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".fortunes") ? name.substring(0, name.length() - ".fortunes".length()) : name;
    }
}
