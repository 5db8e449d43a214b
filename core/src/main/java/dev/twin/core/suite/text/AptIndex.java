package dev.twin.core.suite.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads apt's index of available packages in the form {@code apt-cache dumpavail} prints it: one stanza per package
 * ("Field: value" lines, continuation lines start with a space), stanzas separated by blank lines. deb-section draws
 * from it: a package's one-line description and its section.
 */
public final class AptIndex {
    /** One package: name, section without its archive area ("contrib/net" → "net"), one-line description. */
    public record Entry(String pkg, String section, String synopsis) {
    }

    private AptIndex() {
    }

    /** The stanzas with non-empty Package, Section and Description fields, in order (others are skipped). */
    public static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        String pkg = null;
        String section = null;
        String synopsis = null;
        for (String line : (text + "\n\n").split("\r?\n", -1)) {
            if (line.isBlank()) {
                if (pkg != null && !pkg.isEmpty() && section != null && !section.isEmpty() && synopsis != null
                        && !synopsis.isEmpty()) {
                    out.add(new Entry(pkg, section, synopsis));
                }
                pkg = null;
                section = null;
                synopsis = null;
            } else if (line.startsWith("Package:")) {
                pkg = value(line);
            } else if (line.startsWith("Section:")) {
                String s = value(line);
                section = s.substring(s.lastIndexOf('/') + 1);
            } else if (line.startsWith("Description:")) {
                synopsis = value(line); // the first line; a long description would follow on continuation lines
            }
        }
        return out;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }
}
