package dev.twin.core.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.twin.core.tensor.HandBuilt.f32;
import static dev.twin.core.tensor.HandBuilt.f64;
import static dev.twin.core.tensor.HandBuilt.i32;
import static dev.twin.core.tensor.HandBuilt.i64;
import static dev.twin.core.tensor.HandBuilt.u16;
import static dev.twin.core.tensor.HandBuilt.u8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader on files composed by hand (never by our writer): every dtype decodes to independently known values. */
class SafetensorsReaderTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    /** One tensor of every dtype, values chosen so that each decoding rule shows. */
    private Path allDtypes() throws Exception {
        return new HandBuilt()
                .entry("\"__metadata__\":{\"format\":\"pt\",\"note\":\"h\u00e9llo\"}")
                .tensor("f32", "F32", "[2,2]", f32(1.5f, -2.25f, 0f, 3e38f))
                // 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), +inf, -0.0, 1023·2^-24 (largest subnormal)
                .tensor("f16", "F16", "[7]", u16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000, 0x03FF))
                // 1.0, -3.0, 1/128 (exponent 120)
                .tensor("bf16", "BF16", "[3]", u16(0x3F80, 0xC040, 0x3C00))
                .tensor("f64", "F64", "[2]", f64(2.5, 0.1))
                .tensor("i64", "I64", "[3]", i64(-5, 1L << 40, 7))
                .tensor("i32", "I32", "[2]", i32(-7, 123456))
                .tensor("i8", "I8", "[3]", u8(0x80, 0x7F, 0xFF))
                .tensor("u8", "U8", "[3]", u8(0xFF, 0, 0x80))
                .tensor("bool", "BOOL", "[4]", u8(0, 1, 1, 0))
                .tensor("scalar", "F32", "[]", f32(42f))
                .tensor("empty", "F32", "[0,3]", new byte[0])
                .writeTo(dir.resolve("all.safetensors"));
    }

    @Test
    void decodesEveryDtypeToKnownFloats() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(allDtypes())) {
            assertEquals(List.of("f32", "f16", "bf16", "f64", "i64", "i32", "i8", "u8", "bool", "scalar", "empty"),
                    f.names());
            FloatTensor t = f.load("f32");
            assertArrayEquals(new int[] {2, 2}, t.shape());
            assertArrayEquals(new float[] {1.5f, -2.25f, 0f, 3e38f}, t.data());
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f, 1023 * 0x1p-24f},
                    f.load("f16").data());
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f.load("f16").data()[5]), "-0 keeps its sign");
            assertArrayEquals(new float[] {1f, -3f, 1f / 128}, f.load("bf16").data());
            assertArrayEquals(new float[] {2.5f, 0.1f}, f.load("f64").data());
            assertArrayEquals(new float[] {-5f, 1099511627776f, 7f}, f.load("i64").data());
            assertArrayEquals(new float[] {-7f, 123456f}, f.load("i32").data());
            assertArrayEquals(new float[] {-128f, 127f, -1f}, f.load("i8").data());
            assertArrayEquals(new float[] {255f, 0f, 128f}, f.load("u8").data());
            assertArrayEquals(new float[] {0f, 1f, 1f, 0f}, f.load("bool").data());
            FloatTensor scalar = f.load("scalar");
            assertArrayEquals(new int[0], scalar.shape());
            assertArrayEquals(new float[] {42f}, scalar.data());
            FloatTensor empty = f.load("empty");
            assertArrayEquals(new int[] {0, 3}, empty.shape());
            assertEquals(0, empty.data().length);
        }
    }

    @Test
    void infoAndMetadataComeFromTheHeader() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(allDtypes())) {
            assertEquals(Map.of("format", "pt", "note", "h\u00e9llo"), f.metadata());
            // f32 is 16 bytes at 0, f16 14 bytes right after it
            assertEquals(new TensorInfo("f16", DType.F16, new long[] {7}, 16, 30), f.info("f16"));
            assertEquals(DType.BOOL, f.info("bool").dtype());
            assertEquals(0, f.info("empty").numel());
        }
    }

    @Test
    void loadIntsReadsIntegerDtypesExactly() throws Exception {
        Path p = new HandBuilt()
                .tensor("i64", "I64", "[3]", i64(-5, Integer.MAX_VALUE, Integer.MIN_VALUE))
                .tensor("i32", "I32", "[2]", i32(-7, 16777217)) // 2^24+1: not exact as a float, exact as an int
                .tensor("i8", "I8", "[2]", u8(0x80, 0x05))
                .tensor("u8", "U8", "[2]", u8(0xFF, 0x05))
                .tensor("bool", "BOOL", "[3]", u8(0, 1, 2))
                .writeTo(dir.resolve("ints.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new int[] {-5, Integer.MAX_VALUE, Integer.MIN_VALUE}, f.loadInts("i64"));
            assertArrayEquals(new int[] {-7, 16777217}, f.loadInts("i32"));
            assertArrayEquals(new int[] {-128, 5}, f.loadInts("i8"));
            assertArrayEquals(new int[] {255, 5}, f.loadInts("u8"));
            assertArrayEquals(new int[] {0, 1, 1}, f.loadInts("bool"), "any non-zero byte is true");
        }
    }

    @Test
    void loadIntsRefusesFloatsAndOutOfRangeI64() throws Exception {
        Path p = new HandBuilt()
                .tensor("w", "F32", "[1]", f32(1f))
                .tensor("big", "I64", "[2]", i64(1, 5_000_000_000L))
                .writeTo(dir.resolve("x.safetensors"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.loadInts("w"));
            assertEquals(p + ": tensor 'w' has dtype F32; loadInts reads only I32, I64, I8, U8 and BOOL",
                    e.getMessage());
            e = assertThrows(CheckpointException.class, () -> f.loadInts("big"));
            assertEquals(p + ": tensor 'big': I64 value 5000000000 at index 1 does not fit an int", e.getMessage());
        }
    }

    @Test
    void namesFollowHeaderOrderNotOffsetOrder() throws Exception {
        // "b" is stored first but listed second
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path p = dir.resolve("order.safetensors");
        java.nio.file.Files.write(p, HandBuilt.file(header, f32(2f, 1f)));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("a", "b"), f.names());
            assertArrayEquals(new float[] {1f}, f.load("a").data());
            assertArrayEquals(new float[] {2f}, f.load("b").data());
            WeightSet all = f.loadAll();
            assertEquals(List.of("a", "b"), List.copyOf(all.names()));
            assertArrayEquals(new float[] {2f}, all.get("b").data());
        }
    }

    @Test
    void acceptsSpacePaddedHeaderAndEmptyFile() throws Exception {
        Path p = dir.resolve("pad.safetensors");
        java.nio.file.Files.write(p, HandBuilt.file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}"
                + "      ", u16(0x4049))); // bf16 0x4049 = 3.140625
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {3.140625f}, f.load("a").data());
            assertEquals(8 + 61, f.dataStart());
        }
        Path empty = dir.resolve("empty.safetensors");
        java.nio.file.Files.write(empty, HandBuilt.file("{}", new byte[0]));
        try (SafetensorsFile f = SafetensorsFile.open(empty)) {
            assertTrue(f.names().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void closedFileRefusesLoads() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(allDtypes());
        f.close();
        CheckpointException e = assertThrows(CheckpointException.class, () -> f.load("f32"));
        assertEquals(f.path() + ": file is closed", e.getMessage());
        f.close(); // idempotent
    }
}
