package dev.twin.core.suite.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The files a set of Debian packages provide; an interface so tests can stand in hand-made package trees. */
public interface PackageSource {
    /**
     * The regular files each package provides (package name → its files, sorted), making sure every package is
     * present first; throws a clear error naming the command that installs them when they cannot be had.
     */
    Map<String, List<Path>> filesOf(List<String> packages);
}
