package dev.twin.core.suite.text;

/** Puts every source's text in one form: no terminal overstrike or control characters, single spaces, bounded length. */
public final class TextCleaner {
    private TextCleaner() {
    }

    /**
     * Removes "x\b" overstrike pairs (old fortunes underline with them), turns other control characters and all
     * whitespace runs into one space, trims, and cuts to at most maxChars chars (never inside a surrogate pair).
     */
    public static String normalize(String raw, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
        }
        StringBuilder sb = new StringBuilder(raw.length());
        boolean space = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (i + 1 < raw.length() && raw.charAt(i + 1) == '\b') {
                i++; // c is overstruck by what follows the backspace: drop both
                continue;
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        if (sb.length() > maxChars) {
            int end = Character.isHighSurrogate(sb.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
            sb.setLength(end);
        }
        return sb.toString().strip();
    }
}
