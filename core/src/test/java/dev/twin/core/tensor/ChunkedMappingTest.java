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
import static dev.twin.core.tensor.HandBuilt.f64;
import static dev.twin.core.tensor.HandBuilt.i64;
import static dev.twin.core.tensor.HandBuilt.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Regions mapped in chunks, and a file over 2 GiB (sparse, so it costs no disk). */
class ChunkedMappingTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    @Test
    void chunkPlansAreWholeElementsUnderTwoGiB() {
        // 5 GiB of F32 with a requested 2 GiB chunk: a mapping holds at most 2^31−1 bytes, so chunks of 2^31−4
        long fiveGiB = 5L << 30;
        long step = (1L << 31) - 4;
        assertArrayEquals(new long[][] {{0, step}, {step, step}, {2 * step, fiveGiB - 2 * step}},
                RegionDecoder.plan(fiveGiB, 4, 1L << 31));
        // the default 1 GiB chunk over 3 GiB of F64
        assertArrayEquals(new long[][] {{0, 1L << 30}, {1L << 30, 1L << 30}, {2L << 30, 1L << 30}},
                RegionDecoder.plan(3L << 30, 8, RegionDecoder.DEFAULT_CHUNK_BYTES));
        // chunk sizes round down to whole elements, but never below one element
        assertArrayEquals(new long[][] {{0, 4}, {4, 4}, {8, 4}}, RegionDecoder.plan(12, 4, 7));
        assertArrayEquals(new long[][] {{0, 2}, {2, 2}, {4, 2}}, RegionDecoder.plan(6, 2, 1));
        assertArrayEquals(new long[][] {{0, 6}, {6, 2}}, RegionDecoder.plan(8, 2, 7));
        assertEquals(0, RegionDecoder.plan(0, 4, 16).length);
    }

    @Test
    void tinyChunksDecodeTheSameValues() throws Exception {
        float[] f = new float[13];
        int[] h = new int[37];
        float[] hv = new float[37];
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 1.5f - 4f;
        }
        for (int i = 0; i < h.length; i++) {
            h[i] = 0x3C00 + i; // 1 + i/1024
            hv[i] = 1f + i / 1024f;
        }
        Path p = new HandBuilt()
                .tensor("f", "F32", "[13]", f32(f))
                .tensor("h", "F16", "[37]", u16(h))
                .tensor("d", "F64", "[3]", f64(0.5, -1.25, 1e10))
                .tensor("l", "I64", "[5]", i64(1, -2, 3, -4, 5))
                .writeTo(dir.resolve("chunks.safetensors"));
        for (long chunk : new long[] {1, 2, 3, 5, 7, 8, 12, 64, 1 << 20}) {
            try (SafetensorsFile sf = SafetensorsFile.open(p, chunk)) {
                assertArrayEquals(f, sf.load("f").data(), "chunk " + chunk);
                assertArrayEquals(hv, sf.load("h").data(), "chunk " + chunk);
                assertArrayEquals(new float[] {0.5f, -1.25f, 1e10f}, sf.load("d").data(), "chunk " + chunk);
                assertArrayEquals(new int[] {1, -2, 3, -4, 5}, sf.loadInts("l"), "chunk " + chunk);
            }
        }
        try (ShardedCheckpoint sc = shardOf(p)) {
            assertArrayEquals(hv, sc.load("h").data());
        }
    }

    /** The same file as a one-shard checkpoint, opened with 3-byte chunks. */
    private ShardedCheckpoint shardOf(Path p) throws Exception {
        Path d = Files.createDirectories(dir.resolve("sharded"));
        Files.copy(p, d.resolve("only.safetensors"));
        Files.writeString(d.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"f\":\"only.safetensors\","
                + "\"h\":\"only.safetensors\",\"d\":\"only.safetensors\",\"l\":\"only.safetensors\"}}");
        return ShardedCheckpoint.open(d, 3);
    }

    @Test
    void fileOverTwoGiBWithATensorPastTwoToThe31() throws Exception {
        // a U8 filler covers the first 2^31 + 8 data bytes (a sparse hole), then a small F32 tensor
        long filler = (1L << 31) + 8;
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + filler + "],\"data_offsets\":[0," + filler + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + filler + "," + (filler + 16) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + h.length;
        Path p = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(dataStart + filler + 16);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            raf.seek(dataStart + filler);
            raf.write(f32(1.25f, -2.5f, 1e-3f, 65504f));
        }
        assertTrue(Files.size(p) > (1L << 31) + 16);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(dataStart, f.dataStart());
            FloatTensor tail = f.load("tail");
            assertArrayEquals(new int[] {2, 2}, tail.shape());
            assertArrayEquals(new float[] {1.25f, -2.5f, 1e-3f, 65504f}, tail.data());
            assertEquals(filler, f.info("filler").numel());
            // 2^31 + 8 elements cannot be one Java array: refused before anything is allocated
            CheckpointException e = assertThrows(CheckpointException.class, () -> f.load("filler"));
            assertEquals(p + ": tensor 'filler' of shape [2147483656] has 2147483656 elements, more than one Java"
                    + " array holds (2147483639)", e.getMessage());
            assertThrows(CheckpointException.class, () -> f.loadInts("filler"));
        }
    }
}
