package dev.twin.core.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.twin.core.tensor.HandBuilt.f32;
import static dev.twin.core.tensor.HandBuilt.i32;
import static dev.twin.core.tensor.HandBuilt.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer: exact bytes against hand-composed files, F16/BF16 bit patterns, alignment, round trips. */
class SafetensorsWriterTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    /** The data section of a file, located by reading the length prefix by hand. */
    private static ByteBuffer dataOf(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        return ByteBuffer.wrap(all, 8 + n, all.length - 8 - n).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String headerOf(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(all, 8, n, StandardCharsets.UTF_8);
    }

    @Test
    void smallFileIsByteForByteTheHandComposedOne() throws Exception {
        Path p = dir.resolve("a.safetensors");
        new SafetensorsWriter().add("a", FloatTensor.of(new int[] {2}, 1f, 2f), DType.F32).write(p);
        // 54 bytes of JSON + 2 spaces: 8 + 56 is a multiple of 8
        byte[] expected = HandBuilt.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ",
                f32(1f, 2f));
        assertArrayEquals(expected, Files.readAllBytes(p));
    }

    @Test
    void metadataHalfFloatsAndIntsAreByteForByteTheHandComposedOnes() throws Exception {
        Path p = dir.resolve("b.safetensors");
        new SafetensorsWriter()
                .metadata("k", "v")
                .add("w", FloatTensor.of(new int[] {1, 2}, 1f, -2f), DType.F16)
                .addInts("idx", new int[] {3}, new int[] {1, -1, 7})
                .write(p);
        String header = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"w\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[0,4]},"
                + "\"idx\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[4,16]}}" + "       "; // 137 + 7 = 144
        byte[] data = ByteBuffer.allocate(16).put(u16(0x3C00, 0xC000)).put(i32(1, -1, 7)).array();
        assertArrayEquals(HandBuilt.file(header, data), Files.readAllBytes(p));
    }

    @Test
    void f16BitPatternsIncludingTiesAndOverflow() throws Exception {
        float[] values = {1f, -2f, 65504f, 0x1p-24f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 65519.996f, 65520f, 1e9f,
                -1e9f, 0x1p-25f, 1.5f * 0x1p-24f, -0f};
        int[] expected = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3C00, 0x3C02, 0x7BFF, 0x7C00, 0x7C00,
                0xFC00, 0x0000, 0x0002, 0x8000};
        Path p = dir.resolve("f16.safetensors");
        new SafetensorsWriter().add("h", FloatTensor.of(new int[] {values.length}, values), DType.F16).write(p);
        ByteBuffer data = dataOf(p);
        assertEquals(2 * values.length, data.remaining());
        for (int i = 0; i < values.length; i++) {
            assertEquals(expected[i], data.getShort(2 * i) & 0xFFFF, "value " + values[i]);
        }
    }

    @Test
    void bf16BitPatternsIncludingTiesAndOverflow() throws Exception {
        float[] values = {1f, -3f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, (float) Math.PI, Float.MAX_VALUE, -Float.MAX_VALUE};
        int[] expected = {0x3F80, 0xC040, 0x3F80, 0x3F82, 0x4049, 0x7F80, 0xFF80};
        Path p = dir.resolve("bf16.safetensors");
        new SafetensorsWriter().add("h", FloatTensor.of(new int[] {values.length}, values), DType.BF16).write(p);
        ByteBuffer data = dataOf(p);
        for (int i = 0; i < values.length; i++) {
            assertEquals(expected[i], data.getShort(2 * i) & 0xFFFF, "value " + values[i]);
        }
    }

    @Test
    void headerIsSpacePaddedToEightBytesWithPackedOffsets() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        for (int len = 1; len <= 17; len++) {
            String name = "n".repeat(len);
            Path p = dir.resolve("pad" + len + ".safetensors");
            new SafetensorsWriter()
                    .add(name, FloatTensor.of(new int[] {3}, 1f, 2f, 3f), DType.F32)
                    .add("z", FloatTensor.of(new int[] {1, 1}, 4f), DType.BF16)
                    .write(p);
            String header = headerOf(p);
            assertEquals(0, (8 + header.getBytes(StandardCharsets.UTF_8).length) % 8, "name length " + len);
            String json = header.stripTrailing();
            assertTrue(header.length() - json.length() < 8, "at most 7 padding bytes");
            assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
            JsonNode root = plain.readTree(json);
            assertEquals("[0,12]", root.get(name).get("data_offsets").toString());
            assertEquals("[12,14]", root.get("z").get("data_offsets").toString());
            assertEquals(8 + header.length() + 14, Files.size(p));
        }
    }

    @Test
    void roundTripKeepsNamesOrderValuesAndMetadata() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        WeightSet ws = new WeightSet();
        // insertion order deliberately not alphabetical
        String[] names = {"zeta.weight", "alpha.bias", "mid.conv", "scalar"};
        int[][] shapes = {{4, 5}, {5}, {2, 3, 2, 2}, {}};
        for (int i = 0; i < names.length; i++) {
            FloatTensor t = FloatTensor.zeros(shapes[i]);
            for (int j = 0; j < t.numel(); j++) {
                t.data()[j] = (float) rnd.nextGaussian();
            }
            ws.put(names[i], t);
        }
        Path f32 = dir.resolve("rt32.safetensors");
        SafetensorsWriter.write(f32, ws, DType.F32);
        try (SafetensorsFile f = SafetensorsFile.open(f32)) {
            assertEquals(List.of(names), f.names());
            for (String n : names) {
                assertEquals(ws.get(n), f.load(n), n);
                assertEquals(DType.F32, f.info(n).dtype());
            }
        }
        // narrowed: the relative error of round-to-nearest is at most half an ulp: 2^-11 (F16), 2^-8 (BF16)
        for (DType d : new DType[] {DType.F16, DType.BF16}) {
            double bound = d == DType.F16 ? 0x1p-11 : 0x1p-8;
            Path p = dir.resolve("rt" + d + ".safetensors");
            new SafetensorsWriter().metadata("dtype", d.name()).addAll(ws, d).write(p);
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                assertEquals(d.name(), f.metadata().get("dtype"));
                WeightSet back = f.loadAll();
                assertEquals(List.of(names), new ArrayList<>(back.names()));
                for (String n : names) {
                    float[] a = ws.get(n).data();
                    float[] b = back.get(n).data();
                    assertArrayEquals(ws.get(n).shape(), back.get(n).shape());
                    for (int j = 0; j < a.length; j++) {
                        assertTrue(Math.abs(a[j] - b[j]) <= bound * Math.abs(a[j]), n + "[" + j + "] " + a[j] + " vs "
                                + b[j]);
                    }
                }
            }
        }
    }

    @Test
    void tensorsLargerThanTheEncodingBufferStreamInOrder() throws Exception {
        // the writer encodes through a 1 MiB buffer: these cross several chunk boundaries
        int n32 = 300_001;
        int n16 = 600_003;
        float[] a = new float[n32];
        for (int i = 0; i < n32; i++) {
            a[i] = i * 0.25f - 7f;
        }
        float[] h = new float[n16];
        for (int i = 0; i < n16; i++) {
            h[i] = (i % 2048) - 1024; // integers of magnitude ≤ 2048 are exact in F16
        }
        int[] idx = new int[n32];
        for (int i = 0; i < n32; i++) {
            idx[i] = 7 * i - 5;
        }
        Path p = dir.resolve("big.safetensors");
        new SafetensorsWriter()
                .add("a", new FloatTensor(new int[] {n32}, a), DType.F32)
                .add("h", new FloatTensor(new int[] {3, n16 / 3}, h), DType.F16)
                .addInts("idx", new int[] {n32}, idx)
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(a, f.load("a").data());
            assertArrayEquals(h, f.load("h").data());
            assertArrayEquals(idx, f.loadInts("idx"));
            assertEquals(f.dataStart() + 4L * n32 + 2L * n16 + 4L * n32, Files.size(p));
        }
    }

    @Test
    void writeReplacesAnExistingFileCreatesParentsAndLeavesNoTemporary() throws Exception {
        Path p = dir.resolve("sub/dir/m.safetensors");
        SafetensorsWriter.write(p, new WeightSet().put("x", FloatTensor.of(new int[] {1}, 1f)), DType.F32);
        SafetensorsWriter.write(p, new WeightSet().put("y", FloatTensor.of(new int[] {2}, 5f, 6f)), DType.F32);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("y"), f.names());
            assertArrayEquals(new float[] {5f, 6f}, f.load("y").data());
        }
        try (var files = Files.list(p.getParent())) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void refusesWhatItCannotWrite() {
        SafetensorsWriter w = new SafetensorsWriter().add("a", FloatTensor.of(new int[] {1}, 1f), DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.add("b", FloatTensor.of(new int[] {1}, 1f), DType.F64));
        assertTrue(e.getMessage().contains("tensor 'b': cannot write float data as F64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.add("a", FloatTensor.of(new int[] {1}, 2f), DType.F32));
        assertEquals("tensor 'a' added twice", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.addInts("i", new int[] {2, 2}, new int[] {1, 2, 3}));
        assertEquals("tensor 'i': shape [2, 2] holds 4 values but data has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> w.add("__metadata__", FloatTensor.of(new int[] {1}, 1f), DType.F32));
        assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
    }
}
