package dev.twin.core.compress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of compressors by their command-line names. */
public final class Compressors {
    private static final Map<String, Supplier<Compressor>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("none", NoCompression::new);
        METHODS.put("svd", SvdCompressor::new);
        METHODS.put("magnitude", MagnitudeCompressor::new);
        METHODS.put("bernoulli", BernoulliCompressor::new);
    }

    private Compressors() {
    }

    /** The compressor called {@code name} (case-insensitive). */
    public static Compressor byName(String name) {
        Supplier<Compressor> c = name == null ? null : METHODS.get(name.trim().toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new IllegalArgumentException("unknown compression '" + name + "'; known: " + String.join(", ", names()));
        }
        return c.get();
    }

    /** The known names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }
}
