package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FortuneFilesTest {
    @TempDir
    Path tmp;

    @Test
    void splitsAtPercentLines() throws IOException {
        String text = "A day without sunshine\nis like night.\n%\n%\n\tQ: Why?\n\tA: Because.\n%\n"
                + "Not a separator: 50% off\n%\n";
        Path f = Files.writeString(tmp.resolve("cookie"), text);
        assertEquals(List.of("A day without sunshine\nis like night.", "Q: Why?\n\tA: Because.",
                "Not a separator: 50% off"), FortuneFiles.read(f));
        assertEquals(List.of("last one without a final percent"),
                FortuneFiles.parse("%\nlast one without a final percent\n"));
        assertEquals(List.of("x", "y"), FortuneFiles.parse("x\r\n%\r\ny\r\n"));
    }

    @Test
    void latin1FilesAreDecoded() throws IOException {
        byte[] latin1 = "Gr\u00fc\u00dfe\n%\n".getBytes(StandardCharsets.ISO_8859_1);
        Path f = Files.write(tmp.resolve("alt"), latin1);
        assertEquals(List.of("Gr\u00fc\u00dfe"), FortuneFiles.read(f));
        Path u = Files.write(tmp.resolve("neu"), "Gr\u00fc\u00dfe\n%\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("Gr\u00fc\u00dfe"), FortuneFiles.read(u));
    }

    @Test
    void picksFortuneTextFilesOnly() {
        assertTrue(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/computers")));
        assertTrue(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/de/witze")));
        assertTrue(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/es/vida.fortunes")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/computers.dat")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/computers.u8")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/off/racism")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/es/off/varios.fortunes")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/ascii-art")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/games/fortunes/it/banner")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/share/doc/fortunes-de/examples/fortunes-enge")));
        assertFalse(FortuneFiles.isFortuneFile(Path.of("/usr/games/spruch")));
        assertEquals("vida", FortuneFiles.topic(Path.of("/usr/share/games/fortunes/es/vida.fortunes")));
        assertEquals("work", FortuneFiles.topic(Path.of("/usr/share/games/fortunes/work")));
    }
}
