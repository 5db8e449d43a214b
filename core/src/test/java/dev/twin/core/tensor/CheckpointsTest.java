package dev.twin.core.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.twin.core.tensor.HandBuilt.f32;
import static dev.twin.core.tensor.HandBuilt.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Checkpoints.open dispatch and requireSameLayout. */
class CheckpointsTest {
    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    private Path file(String name, HandBuilt content) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return content.writeTo(p);
    }

    private static HandBuilt twoTensors() {
        return new HandBuilt().tensor("w", "F32", "[2,1]", f32(1f, 2f)).tensor("b", "F32", "[1]", f32(3f));
    }

    @Test
    void opensAFileAModelDirectoryAndAShardedDirectory() throws Exception {
        Path single = file("m.safetensors", twoTensors());
        try (TensorSource s = Checkpoints.open(single)) {
            assertInstanceOf(SafetensorsFile.class, s);
            assertEquals(single, s.path());
            assertArrayEquals(new float[] {1f, 2f}, s.load("w").data());
        }
        Path modelDir = dir.resolve("modeldir");
        file("modeldir/model.safetensors", twoTensors());
        try (TensorSource s = Checkpoints.open(modelDir)) {
            assertInstanceOf(SafetensorsFile.class, s);
            assertEquals(modelDir.resolve("model.safetensors"), s.path());
        }
        Path sharded = dir.resolve("sharded");
        ShardedWriter.write(sharded, new WeightSet().put("w", FloatTensor.of(new int[] {1}, 7f)), DType.F32, 100);
        // a stray model.safetensors beside the index: the index wins
        file("sharded/model.safetensors", twoTensors());
        try (TensorSource s = Checkpoints.open(sharded)) {
            assertInstanceOf(ShardedCheckpoint.class, s);
            assertEquals(List.of("w"), s.names());
            assertArrayEquals(new float[] {7f}, s.load("w").data());
        }
    }

    @Test
    void anythingElseIsAClearError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(empty));
        assertEquals(empty + ": directory holds neither model.safetensors.index.json nor model.safetensors",
                e.getMessage());
        Path bin = Files.write(dir.resolve("pytorch_model.bin"), new byte[10]);
        e = assertThrows(CheckpointException.class, () -> Checkpoints.open(bin));
        assertEquals(bin + ": not a checkpoint: expected a .safetensors file or a directory holding"
                + " model.safetensors.index.json or model.safetensors", e.getMessage());
        Path missing = dir.resolve("missing.safetensors");
        e = assertThrows(CheckpointException.class, () -> Checkpoints.open(missing));
        assertEquals(missing + ": does not exist", e.getMessage());
    }

    @Test
    void sameLayoutPassesAndIgnoresDtype() throws Exception {
        Path base = file("base.safetensors", twoTensors());
        // same names and shapes, stored as F16 and in another order
        Path expert = file("e.safetensors", new HandBuilt().tensor("b", "F16", "[1]", u16(0x3C00))
                .tensor("w", "F16", "[2,1]", u16(0x3C00, 0x4000)));
        try (TensorSource b = Checkpoints.open(base); TensorSource x = Checkpoints.open(expert)) {
            assertDoesNotThrow(() -> Checkpoints.requireSameLayout(b, "math", x));
        }
    }

    @Test
    void missingAndExtraTensorsAreNamed() throws Exception {
        Path base = file("base.safetensors", twoTensors());
        Path expert = file("e.safetensors", new HandBuilt().tensor("w", "F32", "[2,1]", f32(1f, 2f))
                .tensor("extra.x", "F32", "[1]", f32(3f)));
        try (TensorSource b = Checkpoints.open(base); TensorSource x = Checkpoints.open(expert)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.requireSameLayout(b, "math", x));
            assertEquals(expert + ": expert 'math' does not match base " + base
                    + ": missing tensors ['b']; extra tensors ['extra.x']", e.getMessage());
        }
    }

    @Test
    void shapeMismatchIsNamed() throws Exception {
        Path base = file("base.safetensors", twoTensors());
        Path expert = file("e.safetensors", new HandBuilt().tensor("w", "F32", "[1,2]", f32(1f, 2f))
                .tensor("b", "F32", "[1]", f32(3f)));
        try (TensorSource b = Checkpoints.open(base); TensorSource x = Checkpoints.open(expert)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.requireSameLayout(b, "code", x));
            assertEquals(expert + ": expert 'code' does not match base " + base
                    + ": tensor 'w' has shape [1, 2] in the expert but [2, 1] in the base", e.getMessage());
        }
    }

    @Test
    void longNameListsAreCut() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) {
            names.add("t" + i);
        }
        assertEquals("['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', ... 3 more]",
                Checkpoints.listNames(names));
    }
}
