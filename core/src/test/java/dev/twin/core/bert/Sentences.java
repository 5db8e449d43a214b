package dev.twin.core.bert;

import java.util.ArrayList;
import java.util.List;

/** Varied English test sentences, built combinatorially: short, medium and some longer than 64 tokens. */
final class Sentences {
    private static final String[] SUBJECTS = {"The cat", "A young engineer", "My grandmother", "The committee",
        "Several hungry wolves", "An old lighthouse keeper", "The server", "Nobody"};
    private static final String[] VERBS = {"quietly watched", "repaired", "wrote a letter about", "argued over",
        "could not forget", "ran towards"};
    private static final String[] OBJECTS = {"the river.", "a broken 3.5-inch floppy disk!", "the budget for 2024?",
        "the moon", "naïve café owners in São Paulo.", "its own reflection"};

    private Sentences() {
    }

    /** {@code n} distinct sentences; every 7th is long enough to be truncated at 64 tokens, a few are tiny. */
    static List<String> make(int n) {
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Hi");
        out.add("?!");
        out.add("supercalifragilisticexpialidocious antidisestablishmentarianism");
        int i = 0;
        while (out.size() < n) {
            String s = SUBJECTS[i % SUBJECTS.length] + " " + VERBS[(i / 3) % VERBS.length] + " "
                    + OBJECTS[(i / 5) % OBJECTS.length];
            if (i % 7 == 3) {
                StringBuilder sb = new StringBuilder(s);
                for (int k = 0; k < 8 + i % 5; k++) {
                    sb.append(' ').append(SUBJECTS[(i + k) % SUBJECTS.length].toLowerCase()).append(" then ")
                            .append(VERBS[(i + 2 * k) % VERBS.length]);
                }
                s = sb.toString();
            } else if (i % 4 == 1) {
                s = s + " Then " + SUBJECTS[(i + 3) % SUBJECTS.length].toLowerCase() + " left.";
            }
            if (!out.contains(s)) {
                out.add(s);
            }
            i++;
        }
        return out;
    }
}
