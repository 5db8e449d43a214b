package dev.twin.core.suite.text;

import dev.twin.core.suite.DataLocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The installed Debian packages, read with {@code dpkg -L}: missing ones are installed with apt-get when this process
 * runs as root (said on the log, like {@link DataLocator} does for Fashion-MNIST), else the error names the command.
 */
public final class DebianPackages implements PackageSource {
    private final PrintStream log;
    private final boolean mayInstall;

    /** Installs missing packages when {@link DataLocator#canRunAptGet()} holds. */
    public DebianPackages(PrintStream log) {
        this(log, DataLocator.canRunAptGet());
    }

    /** mayInstall false never runs apt-get (missing packages are an error naming the install command). */
    public DebianPackages(PrintStream log, boolean mayInstall) {
        this.log = log;
        this.mayInstall = mayInstall;
    }

    /** The command a user runs to get packages. */
    public static String installCommand(List<String> packages) {
        return "sudo apt-get install " + String.join(" ", packages);
    }

    @Override
    public Map<String, List<Path>> filesOf(List<String> packages) {
        List<String> missing = packages.stream().filter(p -> listed(p).isEmpty()).toList();
        if (!missing.isEmpty()) {
            if (!mayInstall) {
                throw new IllegalStateException("Debian packages " + missing + " are not installed (and this "
                        + "process cannot run apt-get as root); install them with: " + installCommand(packages));
            }
            log.println("installing " + String.join(" ", missing) + " with apt-get");
            DataLocator.aptGetInstall(log, missing);
        }
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (String p : packages) {
            List<Path> files = listed(p).orElseThrow(() -> new IllegalStateException("package " + p
                    + " is still not installed after apt-get; install it with: " + installCommand(packages)));
            out.put(p, files);
        }
        return out;
    }

    /** apt-cache dumpavail's output; when apt has no index yet, runs apt-get update first (as root) or fails. */
    @Override
    public String availablePackages() {
        String index = dumpAvailable();
        if (!index.contains("Package:")) {
            if (!mayInstall) {
                throw new IllegalStateException("apt has no package index (apt-cache dumpavail lists no package) and "
                        + "this process cannot run apt-get as root; fetch it with: sudo apt-get update");
            }
            log.println("apt has no package index yet: running apt-get update");
            DataLocator.aptGetUpdate(log);
            index = dumpAvailable();
        }
        return index;
    }

    /**
     * What the available-package index holds, for a trained-model cache key: the SHA-256 (first 16 hex digits) of
     * apt-cache dumpavail's output, "none" when it is empty or apt is missing.
     */
    public static String indexVersion() {
        String index = dumpAvailable();
        if (!index.contains("Package:")) {
            return "none";
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    index.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String dumpAvailable() {
        return dpkgQuery(List.of("apt-cache", "dumpavail")).orElse("");
    }

    /**
     * "pkg=version" of each installed package, space-separated (e.g. for a trained-model cache key, so that new
     * package contents never reuse experts trained on old ones); "pkg=?" for one dpkg does not know.
     */
    public static String versions(List<String> packages) {
        List<String> out = new ArrayList<>();
        for (String p : packages) {
            String v = dpkgQuery(List.of("dpkg-query", "-W", "-f=${Version}", p)).filter(s -> !s.isBlank())
                    .orElse("?");
            out.add(p + "=" + v.strip());
        }
        return String.join(" ", out);
    }

    /** The regular files of an installed package (sorted), or empty when dpkg does not know it as installed. */
    static Optional<List<Path>> listed(String pkg) {
        Optional<String> out = dpkgList(pkg);
        if (out.isEmpty()) {
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        for (String line : out.get().split("\n")) {
            // dpkg -L also prints directories and diversion notes ("diverted by ..."): keep absolute regular files
            if (line.startsWith("/")) {
                Path f = Path.of(line.strip());
                if (Files.isRegularFile(f)) {
                    files.add(f);
                }
            }
        }
        files.sort(null);
        // a removed package whose config files remain ("rc") lists no regular files it really provides
        return files.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(files));
    }

    /** dpkg -L's output, or empty when dpkg fails (package unknown or not installed, or no dpkg at all). */
    private static Optional<String> dpkgList(String pkg) {
        return dpkgQuery(List.of("dpkg", "-L", pkg));
    }

    /** A dpkg command's standard output, or empty when it fails or dpkg is not there. */
    private static Optional<String> dpkgQuery(List<String> command) {
        String line = String.join(" ", command);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process proc = pb.start();
            String text;
            try (InputStream in = proc.getInputStream()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                text = buf.toString(StandardCharsets.UTF_8);
            }
            int code = proc.waitFor();
            return code == 0 ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(Path.of("/usr/bin/dpkg")) && !Files.exists(Path.of("/bin/dpkg"))) {
                return Optional.empty();
            }
            throw new UncheckedIOException("could not run " + line + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + line, e);
        }
    }
}
