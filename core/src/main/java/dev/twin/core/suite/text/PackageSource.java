package dev.twin.core.suite.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files a set of Debian packages provide, and apt's index of the packages available; an interface so tests can
 * stand in hand-made package trees.
 */
public interface PackageSource {
    /**
     * The regular files each package provides (package name → its files, sorted), making sure every package is
     * present first; throws a clear error naming the command that installs them when they cannot be had.
     */
    Map<String, List<Path>> filesOf(List<String> packages);

    /**
     * apt's records of every available package, as {@code apt-cache dumpavail} prints them ({@link AptIndex} reads
     * them); throws a clear error naming the command that fetches the index when there is none.
     */
    String availablePackages();
}
