package dev.twin.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (surefire sets twin.home) and the places under it these tests read. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path p = Path.of(System.getProperty("twin.home", "..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("deploy/k8s"))) {
            throw new IllegalStateException("not the repository root (no deploy/k8s): " + p);
        }
        return p;
    }

    public static Path k8s() {
        return root().resolve("deploy/k8s");
    }
}
