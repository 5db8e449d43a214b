package dev.twin.core.suite.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads WordNet 3.0's data.{noun,verb,adj,adv} (wndb(5WN)) into synsets with their lexicographer file and gloss
 * definition, and the lexicographer file names (lexnames(5WN)): the labels of wn-noun and wn-verb.
 */
public final class WordNetGlosses {
    /** One synset: lexicographer file number, synset type (n, v, a, s, r) and the gloss without its examples. */
    public record Synset(int lexFile, char type, String definition) {
    }

    // "NN<tab>name": a line of the lexnames file, and of the table in the lexnames(5WN) man page
    private static final Pattern LEXNAME = Pattern.compile("^(\\d{2})\\t+([a-z]+\\.[A-Za-z]+)\\s*(?:\\t.*)?$");

    private WordNetGlosses() {
    }

    /**
     * Lexicographer file number → name, from a lexnames file or the lexnames(5WN) man page (Debian's wordnet-base
     * ships only the latter); throws naming the file when no entry is found.
     */
    public static Map<Integer, String> lexnames(Path file) {
        Map<Integer, String> names = new TreeMap<>();
        for (String line : TextFiles.read(file).split("\n")) {
            Matcher m = LEXNAME.matcher(line.stripTrailing());
            if (m.matches()) {
                String prev = names.put(Integer.parseInt(m.group(1)), m.group(2));
                if (prev != null && !prev.equals(m.group(2))) {
                    throw new IllegalArgumentException(file + ": lexicographer file " + m.group(1) + " is named both "
                            + prev + " and " + m.group(2));
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no lexicographer file names (lines 'NN<tab>pos.name')");
        }
        return names;
    }

    /** The synsets of a data.* file, in file order; the license header (lines starting with a space) is skipped. */
    public static List<Synset> read(Path dataFile) {
        List<Synset> out = new ArrayList<>();
        String[] lines = TextFiles.read(dataFile).split("\n");
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            parseLine(lines[i], dataFile + ":" + lineNo).ifPresent(out::add);
        }
        return out;
    }

    /**
     * One data line "offset lex_filenum ss_type w_cnt word lex_id ... | gloss": empty for the header, for blank lines
     * and for a gloss that is only examples; where names the line in errors.
     */
    public static Optional<Synset> parseLine(String line, String where) {
        if (line.isBlank() || line.startsWith(" ")) {
            return Optional.empty();
        }
        String[] f = line.split(" ", 4);
        int bar = line.indexOf(" | ");
        if (f.length < 4 || bar < 0 || f[2].length() != 1) {
            throw new IllegalArgumentException(where + ": not a WordNet data line (want 'offset lex_filenum ss_type"
                    + " ... | gloss'): " + abbreviate(line));
        }
        int lexFile;
        try {
            lexFile = Integer.parseInt(f[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": lex_filenum '" + f[1] + "' is not a number", e);
        }
        char type = f[2].charAt(0);
        if ("nvasr".indexOf(type) < 0) {
            throw new IllegalArgumentException(where + ": unknown ss_type '" + type + "' (want n, v, a, s or r)");
        }
        String definition = definition(line.substring(bar + 3));
        return definition.isEmpty() ? Optional.empty() : Optional.of(new Synset(lexFile, type, definition));
    }

    /**
     * The gloss up to its first example: an example is a double-quoted string at the start or after ';'
     * ("be in contact; touch; \"they touch\"" → "be in contact; touch"); trailing ';' and spaces dropped.
     */
    public static String definition(String gloss) {
        int cut = gloss.length();
        for (int i = 0; i < gloss.length(); i++) {
            if (gloss.charAt(i) == '"') {
                int j = i - 1;
                while (j >= 0 && gloss.charAt(j) == ' ') {
                    j--;
                }
                if (j < 0 || gloss.charAt(j) == ';') {
                    cut = i;
                    break;
                }
            }
        }
        String def = gloss.substring(0, cut).strip();
        while (def.endsWith(";")) {
            def = def.substring(0, def.length() - 1).strip();
        }
        return def;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
