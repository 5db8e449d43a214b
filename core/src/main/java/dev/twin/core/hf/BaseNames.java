package dev.twin.core.hf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps a tensor name from an adapter (PEFT name without {@code base_model.model.}) to the base checkpoint's name.
 * The rule: the name itself when the base has it; otherwise exactly one of (a) the name without its first segment
 * (adapter trained on {@code BertForSequenceClassification}, names {@code bert.encoder...}, applied to a bare
 * {@code BertModel} checkpoint, names {@code encoder...}) and (b) the name under one of the base's first segments
 * ({@code encoder...} in the adapter, {@code bert.encoder...} in the base). None or several is an error for the caller.
 */
final class BaseNames {
    private final Set<String> names;
    private final Set<String> prefixes = new LinkedHashSet<>();

    BaseNames(List<String> baseNames) {
        this.names = Set.copyOf(baseNames);
        for (String n : baseNames) {
            int dot = n.indexOf('.');
            if (dot > 0) {
                prefixes.add(n.substring(0, dot));
            }
        }
    }

    /** The base names {@code name} may refer to under the rule: one element when it resolves, else none or several. */
    List<String> candidates(String name) {
        if (names.contains(name)) {
            return List.of(name);
        }
        List<String> out = new ArrayList<>();
        int dot = name.indexOf('.');
        if (dot > 0 && names.contains(name.substring(dot + 1))) {
            out.add(name.substring(dot + 1));
        }
        for (String p : prefixes) {
            if (names.contains(p + "." + name)) {
                out.add(p + "." + name);
            }
        }
        return out;
    }

    /** What was looked for, for error messages. */
    static String tried(String name) {
        int dot = name.indexOf('.');
        return "'" + name + "'" + (dot > 0 ? ", '" + name.substring(dot + 1) + "'" : "") + " and '<prefix>." + name
                + "'";
    }
}
