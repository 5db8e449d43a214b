package dev.twin.cli.stack;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a service's packaged Quarkus app is: {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. */
public final class ServiceJar {
    /** System property / environment variable naming the repository root (default: found from the CLI's code). */
    public static final String PROPERTY = "twin.home";
    public static final String ENV = "TWIN_HOME";
    /** The command that packages the three services. */
    public static final String BUILD_COMMAND =
            "./mvnw -B -pl router-service,merger-service,executor-service -am package -Dmaven.test.skip=true";

    private ServiceJar() {
    }

    /** The repository root: the override if set, else two levels above the CLI's classes or jar (cli/target/x). */
    public static Path root() {
        String override = System.getProperty(PROPERTY, System.getenv(ENV));
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        try {
            Path code = Path.of(ServiceJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().getParent().getParent().normalize();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where the CLI runs from to find the service jars; set -D"
                    + PROPERTY + " or " + ENV + " to the repository root", e);
        }
    }

    /** The packaged app of {@code module} under {@code root}; a clear error naming the build command when missing. */
    public static Path of(Path root, String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(module + " is not built: " + jar + " is missing (build it from "
                    + root + " with: " + BUILD_COMMAND + ")");
        }
        return jar;
    }
}
