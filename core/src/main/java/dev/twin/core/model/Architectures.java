package dev.twin.core.model;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The registry of architectures by name: turns a bundle's {@link ArchitectureSpec} back into a model. */
public final class Architectures {
    private static final Map<String, Function<ArchitectureSpec, Architecture>> REGISTRY =
            Map.of(Mlp.NAME, Mlp::new, Cnn.NAME, Cnn::new, Bert.NAME, Bert::new);

    private Architectures() {
    }

    /** Builds the architecture named in spec; unknown names fail with the list of known ones. */
    public static Architecture create(ArchitectureSpec spec) {
        if (spec == null || spec.name() == null) {
            throw new IllegalArgumentException("architecture spec has no name (known: " + known() + ")");
        }
        Function<ArchitectureSpec, Architecture> f = REGISTRY.get(spec.name());
        if (f == null) {
            throw new IllegalArgumentException("unknown architecture '" + spec.name() + "' (known: " + known() + ")");
        }
        return f.apply(spec);
    }

    /** Known architecture names, sorted. */
    public static List<String> known() {
        return REGISTRY.keySet().stream().sorted().toList();
    }
}
