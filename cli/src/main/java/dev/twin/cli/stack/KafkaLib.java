package dev.twin.cli.stack;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory of jars the broker runs from ({@code cli/target/kafka-lib}, filled by the cli build).
 * Found beside the CLI's own code (the jar or {@code target/classes}), or named by {@code -Dtwin.kafka.lib} /
 * {@code TWIN_KAFKA_LIB}.
 */
public record KafkaLib(Path dir) {

    /** System property and environment variable that override where the broker jars are. */
    public static final String PROPERTY = "twin.kafka.lib";
    public static final String ENV = "TWIN_KAFKA_LIB";

    public KafkaLib {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Kafka broker jars not found: " + dir
                    + " is not a directory (build the CLI: ./mvnw -pl cli -am package -Dmaven.test.skip=true)");
        }
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list Kafka broker jars in " + dir + ": " + e.getMessage(), e);
        }
        for (String prefix : List.of("kafka_2.13-", "kafka-clients-", "log4j-slf4j2-impl-")) {
            if (names.stream().noneMatch(n -> n.startsWith(prefix) && n.endsWith(".jar"))) {
                throw new IllegalStateException("Kafka broker jars incomplete: no " + prefix + "*.jar in " + dir
                        + " (rebuild the CLI: ./mvnw -pl cli -am package -Dmaven.test.skip=true)");
            }
        }
    }

    /** The override if set, else {@code kafka-lib} beside the directory holding the CLI's classes or jar. */
    public static KafkaLib locate() {
        String override = System.getProperty(PROPERTY, System.getenv(ENV));
        if (override != null && !override.isBlank()) {
            return new KafkaLib(Path.of(override));
        }
        try {
            // cli/target/classes or cli/target/twin-cli.jar: both have cli/target as parent
            Path code = Path.of(KafkaLib.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new KafkaLib(code.toAbsolutePath().getParent().resolve("kafka-lib"));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where the CLI runs from to find kafka-lib; set -D"
                    + PROPERTY + " or " + ENV, e);
        }
    }

    /** A {@code -cp} value with every jar of the directory (the JVM expands {@code dir/*}). */
    public String classpath() {
        return dir.toAbsolutePath() + "/*";
    }
}
