package dev.twin.core.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a safetensors file: tensors in insertion order, packed back to back, header padded with spaces so the data
 * section starts at a multiple of 8 bytes. Float tensors are stored as F32, F16 or BF16 (narrowed with round to
 * nearest even); int arrays as I32.
 * <p>
 * Only references to the tensors are kept until {@link #write}, which encodes them one small buffer at a time into a
 * temporary file next to the target and then renames it, so a failed write never leaves a half-written checkpoint.
 */
public final class SafetensorsWriter {
    /** Encoding buffer: large enough for throughput, small enough to never matter for memory. */
    private static final int BUFFER_BYTES = 1 << 20;

    private record Entry(String name, DType dtype, int[] shape, FloatTensor floats, int[] ints) {
        long bytes() {
            return FloatTensor.numel(shape) * dtype.byteSize();
        }
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public SafetensorsWriter() {
    }

    /** Adds a "__metadata__" entry (string to string). */
    public SafetensorsWriter metadata(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("metadata key and value must not be null (key " + key + ")");
        }
        metadata.put(key, value);
        return this;
    }

    /** Adds a float tensor stored as {@code dtype} (F32, F16 or BF16). */
    public SafetensorsWriter add(String name, FloatTensor t, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot write float data as " + dtype
                    + " (supported: F32, F16, BF16; use addInts for I32)");
        }
        return put(new Entry(name, dtype, t.shape().clone(), t, null));
    }

    /** Adds an int array of the given shape stored as I32 (index arrays, labels). */
    public SafetensorsWriter addInts(String name, int[] shape, int[] data) {
        long n = FloatTensor.numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                    + " values but data has " + data.length);
        }
        return put(new Entry(name, DType.I32, shape.clone(), null, data));
    }

    /** Adds every tensor of {@code ws} in its order, stored as {@code dtype}. */
    public SafetensorsWriter addAll(WeightSet ws, DType dtype) {
        ws.asMap().forEach((name, t) -> add(name, t, dtype));
        return this;
    }

    private SafetensorsWriter put(Entry e) {
        if (e.name() == null || e.name().equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name " + e.name());
        }
        if (entries.containsKey(e.name())) {
            throw new IllegalArgumentException("tensor '" + e.name() + "' added twice");
        }
        entries.put(e.name(), e);
        return this;
    }

    /** Writes everything added so far to {@code file} (replacing it); parent directories are created. */
    public void write(Path file) {
        byte[] header = header();
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(parent);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(header.length);
                writeAll(ch, buf.flip());
                writeAll(ch, ByteBuffer.wrap(header));
                for (Entry e : entries.values()) {
                    writeData(ch, e, buf);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CheckpointException(file, "cannot write: " + e, e);
        }
    }

    /** Writes {@code ws} to {@code file} with every tensor stored as {@code dtype}. */
    public static void write(Path file, WeightSet ws, DType dtype) {
        new SafetensorsWriter().addAll(ws, dtype).write(file);
    }

    /** The JSON header, space-padded so that 8 + its length is a multiple of 8. */
    private byte[] header() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries.values()) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.shape()) {
                shape.add(d);
            }
            ArrayNode offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.bytes();
            offsets.add(offset);
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a header built from plain values", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Encodes one tensor through {@code buf} a chunk at a time: at most BUFFER_BYTES of it exist as bytes. */
    private static void writeData(FileChannel ch, Entry e, ByteBuffer buf) throws IOException {
        int size = e.dtype().byteSize();
        int perChunk = BUFFER_BYTES / size;
        int n = e.floats() != null ? e.floats().numel() : e.ints().length;
        for (int at = 0; at < n; at += perChunk) {
            int m = Math.min(perChunk, n - at);
            buf.clear();
            encode(e, buf, at, m);
            buf.position(0).limit(m * size);
            writeAll(ch, buf);
        }
    }

    /** Writes elements [at, at+m) of e into buf from index 0, little-endian. */
    private static void encode(Entry e, ByteBuffer buf, int at, int m) {
        switch (e.dtype()) {
            case F32 -> buf.asFloatBuffer().put(e.floats().data(), at, m);
            case F16 -> {
                float[] d = e.floats().data();
                for (int i = 0; i < m; i++) {
                    buf.putShort(2 * i, (short) HalfFloats.floatToF16(d[at + i]));
                }
            }
            case BF16 -> {
                float[] d = e.floats().data();
                for (int i = 0; i < m; i++) {
                    buf.putShort(2 * i, (short) HalfFloats.floatToBf16(d[at + i]));
                }
            }
            case I32 -> buf.asIntBuffer().put(e.ints(), at, m);
            default -> throw new IllegalStateException("unwritable dtype " + e.dtype());
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
