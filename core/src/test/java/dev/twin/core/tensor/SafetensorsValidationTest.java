package dev.twin.core.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.twin.core.tensor.HandBuilt.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One malformed file per rule: each gives a CheckpointException "path: problem" naming the problem. */
class SafetensorsValidationTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    private int count;

    private Path write(byte[] bytes) throws Exception {
        return Files.write(dir.resolve("bad" + (count++) + ".safetensors"), bytes);
    }

    private Path withHeader(String header, byte[] data) throws Exception {
        return write(HandBuilt.file(header, data));
    }

    /** The problem part of the open error, after checking that the message starts with "path: ". */
    private static String openError(Path p) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertEquals(p, e.file());
        return e.problem();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + message + "' lacks '" + part + "'");
        }
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws Exception {
        assertEquals("file is 5 bytes, shorter than the 8-byte header length prefix",
                openError(write(new byte[] {1, 2, 3, 4, 5})));
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws Exception {
        byte[] bytes = new byte[120];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(9999);
        Path p = write(bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p));
        assertEquals(p + ": header length 9999 exceeds file size 120", e.getMessage());
    }

    @Test
    void absurdHeaderLengthIsReadAsUnsignedAndRefused() throws Exception {
        byte[] bytes = new byte[16];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        assertEquals("header length 18446744073709551615 exceeds file size 16", openError(write(bytes)));
    }

    @Test
    void headerLengthOverTheLimitIsRefusedBeforeAllocation() throws Exception {
        // a sparse 200 MB file claiming a 150 MB header: inside the file but over the 100 MB limit
        Path p = dir.resolve("huge-header.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(200_000_000L);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150_000_000L).array());
        }
        assertEquals("header length 150000000 exceeds the limit of 100000000 bytes", openError(p));
    }

    @Test
    void headerThatIsNotUtf8() throws Exception {
        byte[] header = "{\"a\":{}}".getBytes(StandardCharsets.UTF_8);
        header[2] = (byte) 0xFF; // never valid in UTF-8
        assertEquals("header is not valid UTF-8", openError(write(HandBuilt.file(header, new byte[0]))));
    }

    @Test
    void headerThatIsNotJson() throws Exception {
        assertContains(openError(withHeader("{\"a\": ", new byte[0])), "header is not valid JSON");
        assertContains(openError(withHeader("{} {}", new byte[0])), "header is not valid JSON", "Trailing token");
        assertContains(openError(withHeader("{\"a\":1,\"a\":2}", new byte[0])), "header is not valid JSON",
                "Duplicate field 'a'");
        assertEquals("header is empty, expected a JSON object", openError(withHeader("", new byte[0])));
    }

    @Test
    void deeplyNestedHeaderIsRefusedWithoutStackOverflow() throws Exception {
        String nested = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertContains(openError(withHeader(nested, new byte[0])), "header is not valid JSON", "nesting depth");
    }

    @Test
    void headerThatIsNotAnObject() throws Exception {
        assertEquals("header is not a JSON object (got an array)", openError(withHeader("[1,2]", new byte[0])));
    }

    @Test
    void entryThatIsNotAnObject() throws Exception {
        assertEquals("tensor 'a': entry is not a JSON object (got a number)",
                openError(withHeader("{\"a\":5}", new byte[0])));
    }

    @Test
    void entryMissingAField() throws Exception {
        assertEquals("tensor 'a': missing field 'dtype'",
                openError(withHeader("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1f))));
        assertEquals("tensor 'a': missing field 'shape'",
                openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", f32(1f))));
        assertEquals("tensor 'a': missing field 'data_offsets'",
                openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", f32(1f))));
    }

    @Test
    void unknownOrMistypedDtype() throws Exception {
        assertContains(openError(withHeader("{" + entry("a", "F8", "[1]", 0, 1) + "}", new byte[1])),
                "tensor 'a': unknown dtype 'F8'", "F32");
        assertEquals("tensor 'a': dtype is a number, expected a string", openError(withHeader(
                "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1f))));
    }

    @Test
    void negativeOrNonIntegerShape() throws Exception {
        assertEquals("tensor 'a': shape [2,-1] dimension 1 is negative (-1)",
                openError(withHeader("{" + entry("a", "F32", "[2,-1]", 0, 0) + "}", new byte[0])));
        assertEquals("tensor 'a': shape [1.5] dimension 0 is 1.5, not an integer",
                openError(withHeader("{" + entry("a", "F32", "[1.5]", 0, 6) + "}", new byte[6])));
        assertEquals("tensor 'a': shape [\"2\"] dimension 0 is \"2\", not an integer",
                openError(withHeader("{" + entry("a", "F32", "[\"2\"]", 0, 8) + "}", new byte[8])));
        assertEquals("tensor 'a': shape is a number, expected an array",
                openError(withHeader("{" + entry("a", "F32", "4", 0, 16) + "}", new byte[16])));
        assertEquals("tensor 'a': shape [99999999999999999999] dimension 0 is 99999999999999999999, too large",
                openError(withHeader("{" + entry("a", "U8", "[99999999999999999999]", 0, 1) + "}", new byte[1])));
    }

    @Test
    void shapeWhoseByteSizeOverflows() throws Exception {
        assertEquals("tensor 'a': shape [4611686018427387904, 4] of F32 is larger than 2^63 bytes",
                openError(withHeader("{" + entry("a", "F32", "[4611686018427387904,4]", 0, 4) + "}", f32(1f))));
    }

    @Test
    void shapeTimesDtypeSizeDiffersFromTheOffsets() throws Exception {
        assertEquals("tensor 'a': shape [2,3] of F32 needs 24 bytes but data_offsets [0, 20] span 20",
                openError(withHeader("{" + entry("a", "F32", "[2,3]", 0, 20) + "}", new byte[20])));
    }

    @Test
    void beginAfterEnd() throws Exception {
        assertEquals("tensor 'a': data_offsets begin 8 > end 4",
                openError(withHeader("{" + entry("a", "F32", "[1]", 8, 4) + "}", new byte[8])));
    }

    @Test
    void malformedOffsets() throws Exception {
        assertEquals("tensor 'a': data_offsets is [0,4,8], expected [begin, end]", openError(withHeader(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[8])));
        assertEquals("tensor 'a': data_offsets begin is negative (-4)",
                openError(withHeader("{" + entry("a", "F32", "[1]", -4, 0) + "}", new byte[0])));
    }

    @Test
    void offsetsPastTheDataSectionOfATruncatedFile() throws Exception {
        // 100 floats declared, 4 bytes present
        assertEquals("tensor 'a': data_offsets [0, 400] run past the end of the data section (4 bytes): truncated file?",
                openError(withHeader("{" + entry("a", "F32", "[100]", 0, 400) + "}", f32(1f))));
        // a huge declared size is refused by the same check, long before anything would be allocated
        assertContains(openError(withHeader("{" + entry("a", "F32", "[1000000000000]", 0, 4000000000000L) + "}",
                f32(1f))), "run past the end of the data section");
    }

    @Test
    void overlappingTensors() throws Exception {
        assertEquals("tensors 'a' [0, 8) and 'b' [4, 12) overlap", openError(withHeader("{"
                + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12])));
        // the very same range twice is an overlap too
        assertEquals("tensors 'a' [0, 4) and 'b' [0, 4) overlap", openError(withHeader("{"
                + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", new byte[4])));
    }

    @Test
    void gapsAndUncoveredBytesAreRefused() throws Exception {
        // documented choice (the format's rule): the tensors must cover the data section without holes
        assertEquals("gap of 4 bytes between tensor 'a' and tensor 'b' (the format requires tensors to cover the"
                        + " data section without holes)", openError(withHeader("{" + entry("a", "F32", "[1]", 0, 4)
                + "," + entry("b", "F32", "[1]", 8, 12) + "}", new byte[12])));
        assertContains(openError(withHeader("{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8])),
                "gap of 4 bytes between the start of the data section and tensor 'a'");
        assertEquals("4 bytes after the last tensor at offset 4 of a 8-byte data section are not covered by any tensor",
                openError(withHeader("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[8])));
    }

    @Test
    void metadataThatIsNotAStringMap() throws Exception {
        assertEquals("__metadata__ must map strings to strings but 'n' is a number",
                openError(withHeader("{\"__metadata__\":{\"n\":1}}", new byte[0])));
        assertEquals("__metadata__ is not a JSON object (got a string)",
                openError(withHeader("{\"__metadata__\":\"x\"}", new byte[0])));
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = dir.resolve("nope.safetensors");
        assertEquals("file does not exist", openError(missing));
        assertEquals("is a directory, not a safetensors file", openError(dir));
    }

    @Test
    void loadOfAnUnknownTensorNamesItAndTheFile() throws Exception {
        Path p = withHeader("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 4, 8) + "}",
                f32(1f, 2f));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.load("c"));
            assertEquals(p + ": no tensor named 'c' (file has 2 tensors: ['a', 'b'])", e.getMessage());
            e = assertThrows(CheckpointException.class, () -> f.info("c"));
            assertTrue(e.getMessage().contains("no tensor named 'c'"));
        }
    }
}
