package dev.twin.core.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of static merge methods by their command-line names. */
public final class MergeMethods {
    private static final Map<String, Supplier<MergeMethod>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("average", Average::new);
        METHODS.put("task-arithmetic", TaskArithmetic::new);
        METHODS.put("ties", Ties::new);
        METHODS.put("dare-ta", DareTa::new);
        METHODS.put("dare-ties", DareTies::new);
    }

    private MergeMethods() {
    }

    /** The method called {@code name} (case-insensitive). */
    public static MergeMethod byName(String name) {
        Supplier<MergeMethod> m = name == null ? null : METHODS.get(name.trim().toLowerCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("unknown merge method '" + name + "'; known: " + String.join(", ", names()));
        }
        return m.get();
    }

    /** The known names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }
}
