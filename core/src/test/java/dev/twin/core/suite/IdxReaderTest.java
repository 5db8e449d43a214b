package dev.twin.core.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, int[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int v : data) {
            out.writeByte(v);
        }
        return bytes.toByteArray();
    }

    private Path gz(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsHandMadeImagesAndLabels() throws IOException {
        Path images = gz("img.gz", idx(0x803, new int[] {2, 2, 3}, new int[] {0, 1, 2, 3, 128, 255, 9, 8, 7, 6, 5,
            4}));
        IdxImages im = IdxReader.readImages(images);
        assertEquals(2, im.count());
        assertEquals(2, im.rows());
        assertEquals(3, im.cols());
        assertEquals(255, im.pixel(0, 5), "bytes are unsigned");
        assertEquals(128, im.pixel(0, 4));
        assertEquals(9, im.pixel(1, 0));
        assertEquals(4, im.pixel(1, 5));
        Path labels = gz("lab.gz", idx(0x801, new int[] {3}, new int[] {7, 0, 200}));
        assertArrayEquals(new int[] {7, 0, 200}, IdxReader.readLabels(labels));
    }

    @Test
    void badMagicIsNamed() throws IOException {
        Path labelsAsImages = gz("lab.gz", idx(0x801, new int[] {3}, new int[] {1, 2, 3}));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> IdxReader.readImages(labelsAsImages));
        assertTrue(e.getMessage().contains("bad IDX magic number 0x00000801, expected 0x00000803")
                && e.getMessage().contains("lab.gz"), e.getMessage());
        Path floats = gz("f.gz", idx(0x00000D01, new int[] {1}, new int[] {0, 0, 0, 0}));
        e = assertThrows(UncheckedIOException.class, () -> IdxReader.readLabels(floats));
        assertTrue(e.getMessage().contains("0x00000D01"), e.getMessage());
    }

    @Test
    void wrongSizesAreErrors() throws IOException {
        Path truncated = gz("t.gz", idx(0x803, new int[] {2, 2, 2}, new int[] {1, 2, 3, 4, 5}));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> IdxReader.readImages(truncated));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("8 data bytes")
                && e.getMessage().contains("only 5"), e.getMessage());
        Path trailing = gz("x.gz", idx(0x801, new int[] {2}, new int[] {1, 2, 3}));
        e = assertThrows(UncheckedIOException.class, () -> IdxReader.readLabels(trailing));
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
        Path shortHeader = gz("h.gz", new byte[] {0, 0, 8, 3, 0, 0});
        e = assertThrows(UncheckedIOException.class, () -> IdxReader.readImages(shortHeader));
        assertTrue(e.getMessage().contains("inside the IDX header"), e.getMessage());
    }

    @Test
    void notGzipOrMissingFilesAreNamed() throws IOException {
        Path plain = dir.resolve("plain.gz");
        Files.write(plain, idx(0x801, new int[] {1}, new int[] {1}));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> IdxReader.readLabels(plain));
        assertTrue(e.getMessage().contains("plain.gz") && e.getMessage().contains("not gzip"), e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> IdxReader.readLabels(dir.resolve("absent.gz")));
        assertTrue(e.getMessage().contains("absent.gz"), e.getMessage());
    }
}
