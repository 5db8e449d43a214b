package dev.twin.core.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path tmp;

    private Path dirWith(String name, List<String> files) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Files.write(d.resolve(f), new byte[] {1});
        }
        return d;
    }

    @Test
    void findsTheFirstDirectoryHoldingAllFourFiles() throws IOException {
        Path partial = dirWith("partial", DataLocator.FILES.subList(0, 3));
        Path full = dirWith("full", DataLocator.FILES);
        Path later = dirWith("later", DataLocator.FILES);
        Path missing = tmp.resolve("missing");
        assertEquals(Optional.of(full), new DataLocator(List.of(missing, partial, full, later)).findFashionMnist());
        assertEquals(Optional.of(later), new DataLocator(List.of(later, full)).findFashionMnist());
        assertEquals(Optional.empty(), new DataLocator(List.of(partial, missing)).findFashionMnist());
    }

    @Test
    void standardOrderEndsWithTheDebianDirectory() {
        List<Path> dirs = DataLocator.standard().searchDirs();
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), dirs.get(dirs.size() - 1));
        assertTrue(dirs.stream().anyMatch(p -> p.endsWith(Path.of("twin", "data"))), dirs.toString());
        assertEquals("sudo apt-get install -y dataset-fashion-mnist", DataLocator.installCommand());
    }

    @Test
    void missingDataGivesTheInstallCommand() throws IOException {
        DataLocator none = new DataLocator(List.of(dirWith("empty", List.of())));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Suites.byName("fashion-mnist-8", none));
        assertTrue(e.getMessage().contains(DataLocator.installCommand()) && e.getMessage().contains("empty"),
                e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Suites.byName("mnist", none));
        assertTrue(u.getMessage().contains("synthetic") && u.getMessage().contains("fashion-mnist-8"),
                u.getMessage());
        assertEquals("synthetic", Suites.byName("synthetic", none).name());
    }
}
