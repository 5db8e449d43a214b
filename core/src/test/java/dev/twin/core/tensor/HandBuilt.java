package dev.twin.core.tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Composes safetensors files byte by byte, independently of {@link SafetensorsWriter}: the header is a JSON string
 * written by hand in the test, the data little-endian values put with a ByteBuffer.
 */
final class HandBuilt {
    private final StringBuilder header = new StringBuilder("{");
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Appends a header entry for bytes placed right after the previous tensor's. */
    HandBuilt tensor(String name, String dtype, String shape, byte[] bytes) {
        long begin = data.size();
        data.writeBytes(bytes);
        return entry("\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":["
                + begin + "," + data.size() + "]}");
    }

    /** Appends a raw header entry text ("name":{...}). */
    HandBuilt entry(String json) {
        if (header.length() > 1) {
            header.append(',');
        }
        header.append(json);
        return this;
    }

    HandBuilt rawData(byte[] bytes) {
        data.writeBytes(bytes);
        return this;
    }

    String headerJson() {
        return header + "}";
    }

    byte[] bytes() {
        return file(headerJson(), data.toByteArray());
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, bytes());
    }

    /** [u64 LE length][header][data]. */
    static byte[] file(String headerJson, byte[] data) {
        return file(headerJson.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] file(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    /** Little-endian bytes filled by {@code fill}. */
    static byte[] le(int size, Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        if (b.hasRemaining()) {
            throw new IllegalStateException("filled " + b.position() + " of " + size + " bytes");
        }
        return b.array();
    }

    static byte[] f32(float... v) {
        return le(4 * v.length, b -> {
            for (float x : v) {
                b.putFloat(x);
            }
        });
    }

    static byte[] u16(int... bits) {
        return le(2 * bits.length, b -> {
            for (int x : bits) {
                b.putShort((short) x);
            }
        });
    }

    static byte[] i64(long... v) {
        return le(8 * v.length, b -> {
            for (long x : v) {
                b.putLong(x);
            }
        });
    }

    static byte[] i32(int... v) {
        return le(4 * v.length, b -> {
            for (int x : v) {
                b.putInt(x);
            }
        });
    }

    static byte[] f64(double... v) {
        return le(8 * v.length, b -> {
            for (double x : v) {
                b.putDouble(x);
            }
        });
    }

    static byte[] u8(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }
}
