package dev.twin.core.suite.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the NAME line of a man page ("name, name \- description") from its roff source: the text of man-section,
 * whose label is the section the page's directory names (man3 → "3").
 */
public final class ManPageNames {
    // font macros whose arguments are text: the alternating ones join their arguments without spaces
    private static final Set<String> JOINED_FONT_MACROS = Set.of("BI", "BR", "IB", "IR", "RB", "RI");
    private static final Set<String> SPACED_FONT_MACROS = Set.of("B", "I", "R", "SM", "SB", "Nm");

    private ManPageNames() {
    }

    /**
     * The page's one-line description (the part of its NAME section after "\-", in plain text), or empty for a
     * ".so" redirect page, a page without a NAME section, or a NAME without "\-" (mdoc's .Nd counts as one).
     */
    public static Optional<String> description(String roff) {
        String[] lines = roff.split("\r?\n");
        if (isRedirect(lines)) {
            return Optional.empty();
        }
        List<String> name = new ArrayList<>();
        boolean inName = false;
        for (String line : lines) {
            if (isComment(line)) {
                continue;
            }
            String macro = macro(line);
            if (macro.equals("SH") || macro.equals("Sh") || macro.equals("SS")) {
                if (inName) {
                    break;
                }
                List<String> args = arguments(line);
                inName = args.size() == 1 && args.get(0).equalsIgnoreCase("NAME");
                continue;
            }
            if (!inName) {
                continue;
            }
            if (macro.isEmpty()) {
                name.add(line);
            } else if (SPACED_FONT_MACROS.contains(macro)) {
                name.add(String.join(" ", arguments(line)));
            } else if (JOINED_FONT_MACROS.contains(macro)) {
                name.add(String.join("", arguments(line)));
            } else if (macro.equals("Nd")) {
                name.add("\\- " + String.join(" ", arguments(line)));
            } // other requests (.PP, .ad, .nh, ...) carry no text
        }
        String joined = String.join(" ", name);
        int dash = joined.indexOf("\\-");
        if (dash < 0) {
            return Optional.empty();
        }
        String description = RoffText.unescape(joined.substring(dash + 2)).strip();
        return description.isEmpty() ? Optional.empty() : Optional.of(description);
    }

    /** The section a man page file belongs to, from its directory (…/man3/printf.3.gz → "3"); empty elsewhere. */
    public static Optional<String> section(Path page) {
        Path dir = page.getParent();
        if (dir == null || dir.getFileName() == null) {
            return Optional.empty();
        }
        String d = dir.getFileName().toString();
        // "man" and a digit: not /usr/share/doc/manpages
        return d.length() > 3 && d.startsWith("man") && Character.isDigit(d.charAt(3)) ? Optional.of(d.substring(3))
                : Optional.empty();
    }

    /** A page whose first request is ".so other/page": an alias whose text lives in the other page. */
    private static boolean isRedirect(String[] lines) {
        for (String line : lines) {
            if (line.isBlank() || isComment(line)) {
                continue;
            }
            return macro(line).equals("so");
        }
        return false;
    }

    private static boolean isComment(String line) {
        return line.startsWith(".\\\"") || line.startsWith("'\\\"") || line.startsWith("\\\"")
                || line.strip().equals(".");
    }

    /** The request or macro name of a control line (".B foo" → "B"), "" for a text line. */
    private static String macro(String line) {
        if (line.isEmpty() || (line.charAt(0) != '.' && line.charAt(0) != '\'')) {
            return "";
        }
        String rest = line.substring(1).stripLeading();
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
            end++;
        }
        return rest.substring(0, end);
    }

    /** A control line's arguments: split at spaces, a double-quoted argument may hold spaces ("" is a quote). */
    static List<String> arguments(String line) {
        String rest = line.substring(1).stripLeading();
        int i = 0;
        while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
            i++;
        }
        List<String> args = new ArrayList<>();
        while (i < rest.length()) {
            while (i < rest.length() && rest.charAt(i) == ' ' || i < rest.length() && rest.charAt(i) == '\t') {
                i++;
            }
            if (i >= rest.length()) {
                break;
            }
            if (rest.startsWith("\\\"", i)) {
                break; // comment
            }
            StringBuilder arg = new StringBuilder();
            if (rest.charAt(i) == '"') {
                i++;
                while (i < rest.length()) {
                    if (rest.charAt(i) == '"') {
                        if (i + 1 < rest.length() && rest.charAt(i + 1) == '"') {
                            arg.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    arg.append(rest.charAt(i++));
                }
            } else {
                while (i < rest.length() && rest.charAt(i) != ' ' && rest.charAt(i) != '\t') {
                    arg.append(rest.charAt(i++));
                }
            }
            args.add(arg.toString());
        }
        return args;
    }
}
