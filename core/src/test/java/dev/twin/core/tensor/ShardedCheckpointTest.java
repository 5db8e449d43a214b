package dev.twin.core.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.twin.core.tensor.HandBuilt.f32;
import static dev.twin.core.tensor.HandBuilt.i64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sharded checkpoints: writer/reader round trip, hand-built directories, lazy shards, index errors. */
class ShardedCheckpointTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    private static FloatTensor filled(int n, float start) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i;
        }
        return new FloatTensor(new int[] {n}, d);
    }

    /** Tensors of 16, 16, 40, 8, 8 bytes as F32. */
    private static WeightSet fiveTensors() {
        return new WeightSet()
                .put("a", filled(4, 0))
                .put("b", filled(4, 10))
                .put("c", filled(10, 20))
                .put("d", filled(2, 40))
                .put("e", filled(2, 50));
    }

    @Test
    void shardedWriterSplitsGreedilyAndReadsBack() throws Exception {
        Path out = dir.resolve("ckpt");
        WeightSet ws = fiveTensors();
        ShardedWriter.write(out, ws, DType.F32, 32);
        // limit 32: [a, b] = 32 bytes; c = 40 bytes alone (over the limit, own shard); [d, e] = 16 bytes
        JsonNode index = new ObjectMapper().readTree(out.resolve("model.safetensors.index.json").toFile());
        assertEquals(88, index.get("metadata").get("total_size").asLong());
        JsonNode wm = index.get("weight_map");
        assertEquals("model-00001-of-00003.safetensors", wm.get("a").asText());
        assertEquals("model-00001-of-00003.safetensors", wm.get("b").asText());
        assertEquals("model-00002-of-00003.safetensors", wm.get("c").asText());
        assertEquals("model-00003-of-00003.safetensors", wm.get("d").asText());
        assertEquals("model-00003-of-00003.safetensors", wm.get("e").asText());
        try (SafetensorsFile shard = SafetensorsFile.open(out.resolve("model-00002-of-00003.safetensors"))) {
            assertEquals(List.of("c"), shard.names());
        }
        try (TensorSource src = Checkpoints.open(out)) {
            ShardedCheckpoint sc = assertInstanceOf(ShardedCheckpoint.class, src);
            assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                    "model-00003-of-00003.safetensors"), sc.shardFiles());
            assertEquals(List.of("a", "b", "c", "d", "e"), src.names());
            assertEquals(Map.of("total_size", "88"), src.metadata());
            assertEquals(out, src.path());
            WeightSet back = src.loadAll();
            for (String n : ws.names()) {
                assertEquals(ws.get(n), back.get(n), n);
            }
            assertEquals(new TensorInfo("e", DType.F32, new long[] {2}, 8, 16), src.info("e"));
        }
    }

    @Test
    void shardedWriterInHalfPrecisionAndOneShardWhenEverythingFits() throws Exception {
        Path out = dir.resolve("one");
        ShardedWriter.write(out, fiveTensors(), DType.BF16, 1 << 20);
        assertTrue(Files.isRegularFile(out.resolve("model-00001-of-00001.safetensors")));
        try (TensorSource src = Checkpoints.open(out)) {
            assertEquals(DType.BF16, src.info("c").dtype());
            // small integers are exact in bf16
            assertArrayEquals(filled(10, 20).data(), src.load("c").data());
            assertEquals("44", src.metadata().get("total_size"));
        }
    }

    private Path handBuiltSharded() throws Exception {
        Path d = Files.createDirectories(dir.resolve("hand"));
        new HandBuilt().tensor("x", "F32", "[2]", f32(1f, 2f)).writeTo(d.resolve("s1.safetensors"));
        new HandBuilt().tensor("y", "I64", "[1]", i64(9)).tensor("z", "F32", "[1]", f32(3f))
                .writeTo(d.resolve("s2.safetensors"));
        Files.writeString(d.resolve("model.safetensors.index.json"), "{\"metadata\":{\"total_size\":28,\"by\":\"hand\"},"
                + "\"weight_map\":{\"z\":\"s2.safetensors\",\"x\":\"s1.safetensors\",\"y\":\"s2.safetensors\"}}");
        return d;
    }

    @Test
    void readsAHandBuiltShardedDirectoryInWeightMapOrder() throws Exception {
        try (ShardedCheckpoint sc = ShardedCheckpoint.open(handBuiltSharded())) {
            assertEquals(List.of("z", "x", "y"), sc.names());
            assertEquals(Map.of("total_size", "28", "by", "hand"), sc.metadata());
            assertArrayEquals(new float[] {1f, 2f}, sc.load("x").data());
            assertArrayEquals(new int[] {9}, sc.loadInts("y"));
            assertArrayEquals(new float[] {3f}, sc.load("z").data());
        }
    }

    @Test
    void shardsOpenLazily() throws Exception {
        Path d = handBuiltSharded();
        // corrupt s2: loading from s1 must still work, since s2 is only opened when one of its tensors is asked for
        Files.write(d.resolve("s2.safetensors"), new byte[] {1, 2, 3});
        try (ShardedCheckpoint sc = ShardedCheckpoint.open(d)) {
            assertArrayEquals(new float[] {1f, 2f}, sc.load("x").data());
            CheckpointException e = assertThrows(CheckpointException.class, () -> sc.load("y"));
            assertEquals(d.resolve("s2.safetensors") + ": file is 3 bytes, shorter than the 8-byte header length"
                    + " prefix", e.getMessage());
        }
    }

    @Test
    void indexNamingAMissingShard() throws Exception {
        Path d = handBuiltSharded();
        Files.delete(d.resolve("s2.safetensors"));
        Path index = d.resolve("model.safetensors.index.json");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": weight_map maps tensor 'z' to shard 's2.safetensors', which does not exist in " + d,
                e.getMessage());
    }

    @Test
    void indexNamingATensorAbsentFromItsShard() throws Exception {
        Path d = handBuiltSharded();
        Files.writeString(d.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"x\":\"s1.safetensors\",\"w\":\"s1.safetensors\",\"y\":\"s2.safetensors\","
                        + "\"z\":\"s2.safetensors\"}}");
        try (ShardedCheckpoint sc = ShardedCheckpoint.open(d)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> sc.load("x"));
            assertEquals(d.resolve("s1.safetensors") + ": model.safetensors.index.json maps tensors ['w'] to this"
                    + " shard but it does not contain them", e.getMessage());
        }
    }

    @Test
    void shardHoldingATensorTheIndexDoesNotMapToIt() throws Exception {
        Path d = handBuiltSharded();
        Files.writeString(d.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"x\":\"s1.safetensors\",\"y\":\"s2.safetensors\"}}");
        try (ShardedCheckpoint sc = ShardedCheckpoint.open(d)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> sc.load("y"));
            assertEquals(d.resolve("s2.safetensors") + ": shard contains tensors ['z'] that"
                    + " model.safetensors.index.json does not map to it", e.getMessage());
            e = assertThrows(CheckpointException.class, () -> sc.load("z"));
            assertTrue(e.getMessage().startsWith(d.resolve("model.safetensors.index.json")
                    + ": no tensor named 'z' in weight_map"), e.getMessage());
        }
    }

    @Test
    void badIndexJson() throws Exception {
        Path d = handBuiltSharded();
        Path index = d.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"x\": ");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(d));
        assertTrue(e.getMessage().startsWith(index + ": index is not valid JSON: "), e.getMessage());
        Files.writeString(index, "{\"metadata\":{}}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": missing field 'weight_map'", e.getMessage());
        Files.writeString(index, "{\"weight_map\":[\"s1.safetensors\"]}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": weight_map is an array, expected an object mapping tensor names to shard files",
                e.getMessage());
        Files.writeString(index, "{\"weight_map\":{\"x\":3}}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": weight_map entry for tensor 'x' is a number, expected a shard file name",
                e.getMessage());
        Files.writeString(index, "[]");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": index is not a JSON object (got an array)", e.getMessage());
    }

    @Test
    void shardOutsideTheDirectoryIsRefused() throws Exception {
        Path d = handBuiltSharded();
        Path index = d.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{\"x\":\"../hand/s1.safetensors\"}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(d));
        assertEquals(index + ": weight_map maps tensor 'x' to '../hand/s1.safetensors', which is not a plain file"
                + " name in the checkpoint directory", e.getMessage());
    }
}
