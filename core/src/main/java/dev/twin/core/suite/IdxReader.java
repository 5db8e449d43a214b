package dev.twin.core.suite;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of gzip-compressed IDX files (the MNIST / Fashion-MNIST format): a big-endian magic number whose third byte
 * is the element type (0x08 = unsigned byte) and fourth the number of dimensions, then one int32 per dimension, then
 * the data. Sizes are checked exactly: a truncated file or trailing bytes are errors naming the file.
 */
public final class IdxReader {
    /** ubyte, 3 dimensions: [count, rows, cols]. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** ubyte, 1 dimension: [count]. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    public static IdxImages readImages(Path gz) {
        try (InputStream in = open(gz)) {
            return readImages(in, gz.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX images " + gz + ": " + e.getMessage(), e);
        }
    }

    public static int[] readLabels(Path gz) {
        try (InputStream in = open(gz)) {
            return readLabels(in, gz.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX labels " + gz + ": " + e.getMessage(), e);
        }
    }

    /** Images from an already decompressed stream; {@code source} names it in errors. */
    public static IdxImages readImages(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        checkMagic(in, IMAGES_MAGIC, source, "images");
        int count = dimension(in, source, "image count");
        int rows = dimension(in, source, "rows");
        int cols = dimension(in, source, "columns");
        long size = (long) count * rows * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException(source + ": " + count + " images of " + rows + "x" + cols + " are too many");
        }
        byte[] pixels = readExactly(in, (int) size, source);
        return new IdxImages(count, rows, cols, pixels);
    }

    /** Labels from an already decompressed stream; {@code source} names it in errors. */
    public static int[] readLabels(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        checkMagic(in, LABELS_MAGIC, source, "labels");
        int count = dimension(in, source, "label count");
        byte[] bytes = readExactly(in, count, source);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[i] & 0xFF;
        }
        return labels;
    }

    private static InputStream open(Path gz) throws IOException {
        if (!Files.isRegularFile(gz)) {
            throw new NoSuchFileException(gz.toString(), null, "no such IDX file");
        }
        InputStream file = Files.newInputStream(gz);
        try {
            return new BufferedInputStream(new GZIPInputStream(file, 1 << 16), 1 << 16);
        } catch (ZipException e) {
            file.close();
            throw new IOException(gz + " is not gzip-compressed (" + e.getMessage() + ")", e);
        }
    }

    private static void checkMagic(DataInputStream in, int expected, String source, String what) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(source + ": file ends before the IDX header");
        }
        if (magic != expected) {
            throw new IOException(String.format("%s: bad IDX magic number 0x%08X, expected 0x%08X (%s)",
                    source, magic, expected, what));
        }
    }

    private static int dimension(DataInputStream in, String source, String what) throws IOException {
        int d;
        try {
            d = in.readInt();
        } catch (EOFException e) {
            throw new IOException(source + ": file ends inside the IDX header (" + what + ")");
        }
        if (d < 0) {
            throw new IOException(source + ": negative " + what + " " + d + " in the IDX header");
        }
        return d;
    }

    private static byte[] readExactly(DataInputStream in, int n, String source) throws IOException {
        byte[] data = new byte[n];
        int got = in.readNBytes(data, 0, n);
        if (got < n) {
            throw new IOException(source + ": truncated, the header announces " + n + " data bytes but only " + got
                    + " follow");
        }
        if (in.read() != -1) {
            throw new IOException(source + ": trailing bytes after the " + n + " data bytes the header announces");
        }
        return data;
    }
}
