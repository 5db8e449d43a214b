package dev.twin.cli.stack;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Extra JVM options for every process a stack starts, the broker and each service: {@code TWIN_STACK_JAVA_OPTS},
 * split on whitespace (e.g. {@code -Xlog:gc:file=gc-%p.log} for a run, or {@code -XX:TieredStopAtLevel=1} where the
 * processes live for minutes, as in the it-tests). They come after the stack's own options, so they win over them.
 */
public final class StackJvmOptions {
    public static final String ENV = "TWIN_STACK_JAVA_OPTS";

    private StackJvmOptions() {
    }

    /** The options {@code env} gives; none when the variable is unset or blank. */
    public static List<String> of(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.trim().split("\\s+")).toList();
    }

    /** {@link #of} this process's environment (the children of a stack inherit it). */
    public static List<String> fromEnvironment() {
        return of(System.getenv());
    }
}
