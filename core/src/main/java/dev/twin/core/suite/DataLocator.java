package dev.twin.core.suite;

import dev.twin.core.runtime.TwinPaths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Fashion-MNIST IDX files: in {@code $TWIN_DATA}, then {@code ~/.cache/twin/data}, then where the Debian
 * package {@value #PACKAGE} puts them ({@value #DEBIAN_DIR}). Can install that package when running as root.
 */
public final class DataLocator {
    public static final String PACKAGE = "dataset-fashion-mnist";
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private final List<Path> searchDirs;

    /** A locator over explicit directories, searched in order. */
    public DataLocator(List<Path> searchDirs) {
        this.searchDirs = List.copyOf(searchDirs);
    }

    /** The standard search order: $TWIN_DATA (when set), ~/.cache/twin/data, the Debian package directory. */
    public static DataLocator standard() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("TWIN_DATA");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        dirs.add(TwinPaths.cacheDir().resolve("data"));
        dirs.add(Path.of(DEBIAN_DIR));
        return new DataLocator(dirs);
    }

    public List<Path> searchDirs() {
        return searchDirs;
    }

    /** The first search directory holding all four files. */
    public Optional<Path> findFashionMnist() {
        for (Path dir : searchDirs) {
            if (FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Whether {@link #install} can work here: running as root and apt-get on the PATH. */
    public boolean canInstall() {
        return canRunAptGet();
    }

    /** Whether this process may install Debian packages: running as root with apt-get on the PATH. */
    public static boolean canRunAptGet() {
        boolean root = ProcessHandle.current().info().user().map("root"::equals).orElse(false);
        return root && onPath("apt-get");
    }

    /** The one command that gets the real data. */
    public static String installCommand() {
        return "sudo apt-get install -y " + PACKAGE;
    }

    /**
     * The Fashion-MNIST directory: found, or installed from the Debian package when this process may run apt-get
     * as root (said on log); empty when neither works.
     */
    public Optional<Path> findOrInstall(PrintStream log) {
        Optional<Path> found = findFashionMnist();
        if (found.isEmpty() && canInstall()) {
            install(log);
            found = findFashionMnist();
        }
        return found;
    }

    /** Runs {@code apt-get install -y dataset-fashion-mnist}, echoing its output to log; fails clearly. */
    public void install(PrintStream log) {
        if (!canInstall()) {
            throw new IllegalStateException("cannot install " + PACKAGE + " here (needs root and apt-get); run: "
                    + installCommand());
        }
        log.println("Fashion-MNIST not found; installing it: apt-get install -y " + PACKAGE);
        aptGetInstall(log, List.of(PACKAGE));
        if (findFashionMnist().isEmpty()) {
            throw new IllegalStateException(PACKAGE + " installed, but its files are not in " + searchDirs);
        }
    }

    /**
     * Runs {@code apt-get install -y packages}, echoing its output to log; when that fails, runs
     * {@code apt-get update} once and retries. Throws naming the packages and exit code when it still fails.
     */
    public static void aptGetInstall(PrintStream log, List<String> packages) {
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("no packages to install");
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y"));
        install.addAll(packages);
        int code = run(log, install.toArray(String[]::new));
        if (code != 0) {
            // a fresh machine has no package lists yet: refresh them once and try again
            log.println("apt-get install failed (exit " + code + "); running apt-get update and retrying");
            run(log, "apt-get", "update");
            code = run(log, install.toArray(String[]::new));
        }
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", install) + " failed with exit code " + code);
        }
    }

    /** Runs {@code apt-get update} (fetches apt's package index), echoing its output; throws when it fails. */
    public static void aptGetUpdate(PrintStream log) {
        int code = run(log, "apt-get", "update");
        if (code != 0) {
            throw new IllegalStateException("apt-get update failed with exit code " + code);
        }
    }

    /** Runs a command, echoing its output to log indented; returns its exit code. */
    private static int run(PrintStream log, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.println("  " + line);
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "DataLocator" + searchDirs;
    }
}
