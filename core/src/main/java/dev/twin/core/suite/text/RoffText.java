package dev.twin.core.suite.text;

import java.util.Map;

/** Turns roff text (man(7) source) into plain text: font and size changes dropped, special characters resolved. */
public final class RoffText {
    // the named glyphs (\(xx, \[xx]) and strings (\*(xx) that man pages use in running text
    private static final Map<String, String> GLYPHS = Map.ofEntries(
            Map.entry("em", "\u2014"), Map.entry("en", "\u2013"), Map.entry("hy", "-"), Map.entry("mi", "-"),
            Map.entry("aq", "'"), Map.entry("dq", "\""), Map.entry("lq", "\u201c"), Map.entry("rq", "\u201d"),
            Map.entry("oq", "\u2018"), Map.entry("cq", "\u2019"), Map.entry("co", "\u00a9"), Map.entry("rg", "\u00ae"),
            Map.entry("tm", "\u2122"), Map.entry("bu", "\u2022"), Map.entry("ti", "~"), Map.entry("ha", "^"),
            Map.entry("rs", "\\"), Map.entry("ba", "|"), Map.entry("bv", "|"), Map.entry("ga", "`"),
            Map.entry("aa", "\u00b4"), Map.entry("de", "\u00b0"), Map.entry("mu", "\u00d7"), Map.entry("di", "\u00f7"),
            Map.entry("+-", "\u00b1"), Map.entry("<=", "\u2264"), Map.entry(">=", "\u2265"),
            Map.entry("!=", "\u2260"), Map.entry("->", "\u2192"), Map.entry("<-", "\u2190"), Map.entry("Tm", "\u2122"),
            Map.entry("R", "\u00ae"));

    private RoffText() {
    }

    /**
     * Plain text of one roff text line: \- → '-', \e and \\ → '\', \(em → '—' (and the other glyphs above),
     * \fB \fI \fR \fP \f(CW \f[..] and \s±n dropped, \&amp; \| \^ \% \c \: dropped, \~ \0 "\ " → space, a \" comment
     * dropped to the end; an unknown named glyph is dropped.
     */
    public static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case '"' -> i = s.length(); // comment to end of line
                case '-', '.', '\'', '`' -> out.append(e == '\'' ? '\u00b4' : e);
                case 'e', '\\' -> out.append('\\');
                case ' ', '~', '0' -> out.append(' ');
                case '&', '|', '^', '%', 'c', ':', '/', ',', ')' -> {
                    // zero-width or break-control escapes
                }
                case 'f', 'n' -> i = skipName(s, i); // font change, register interpolation
                case 's' -> i = skipSize(s, i);
                case '(' -> {
                    int end = Math.min(i + 2, s.length());
                    out.append(GLYPHS.getOrDefault(s.substring(i, end), ""));
                    i = end;
                }
                case '[' -> {
                    int close = s.indexOf(']', i);
                    int end = close < 0 ? s.length() : close;
                    out.append(glyph(s.substring(i, end)));
                    i = close < 0 ? s.length() : close + 1;
                }
                case '*' -> {
                    int start = i;
                    i = skipName(s, i);
                    String name = s.substring(start, i);
                    name = name.startsWith("(") ? name.substring(1)
                            : name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
                    out.append(GLYPHS.getOrDefault(name, ""));
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** A \[name] glyph: a known name, or uXXXX for a Unicode code point; unknown → "". */
    private static String glyph(String name) {
        if (name.length() >= 5 && name.charAt(0) == 'u') {
            try {
                return Character.toString(Integer.parseInt(name.substring(1), 16));
            } catch (IllegalArgumentException ignored) {
                return "";
            }
        }
        return GLYPHS.getOrDefault(name, "");
    }

    /** Past an escape's name argument: one char x, "(xx", or "[name]". */
    private static int skipName(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        if (s.charAt(i) == '(') {
            return Math.min(i + 3, s.length());
        }
        if (s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            return close < 0 ? s.length() : close + 1;
        }
        return i + 1;
    }

    /** Past a \s argument: [+-]digit, [+-](dd or [+-][n]. */
    private static int skipSize(String s, int i) {
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '(' || s.charAt(i) == '[')) {
            return skipName(s, i);
        }
        return i < s.length() && Character.isDigit(s.charAt(i)) ? i + 1 : i;
    }
}
