package dev.twin.executor.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.twin.core.tensor.WeightSet;
import dev.twin.executor.reject.RejectedException;
import dev.twin.executor.reject.Rejection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chunk assembly against a hand-made 2×3 + [2] layout. */
class WeightAssemblerTest {
    private static final int[] W = {2, 3};
    private static final int[] B = {2};

    private static WeightAssembler assembler() {
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("trunk.0.weight", W);
        expected.put("trunk.0.bias", B);
        return new WeightAssembler(expected);
    }

    private static String reject(Runnable r) {
        RejectedException e = assertThrows(RejectedException.class, r::run);
        assertEquals(Rejection.INVALID, e.kind());
        return e.getMessage();
    }

    @Test
    void chunksInAnyTensorOrderAssembleRowMajor() {
        WeightSet ws = assembler()
                .accept(new Chunk("k", "trunk.0.bias", B, 0, new float[] {7, 8}, false))
                .accept(new Chunk("k", "trunk.0.weight", W, 0, new float[] {1, 2, 3, 4}, false))
                .accept(new Chunk("k", "trunk.0.weight", W, 4, new float[] {5, 6}, true))
                .finish();
        assertEquals(java.util.List.of("trunk.0.weight", "trunk.0.bias"), java.util.List.copyOf(ws.names()));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ws.get("trunk.0.weight").data());
        assertArrayEquals(new float[] {7, 8}, ws.get("trunk.0.bias").data());
    }

    @Test
    void outOfOrderOverflowMixedKeysAndLateChunksAreRejected() {
        assertEquals("weight set 'k': tensor 'trunk.0.weight' chunk at offset 2 but 0 values were received so far"
                + " (chunks must come in order)",
                reject(() -> assembler().accept(new Chunk("k", "trunk.0.weight", W, 2, new float[] {1}, false))));
        assertEquals("weight set 'k': tensor 'trunk.0.bias' receives 3 values but shape [2] holds 2",
                reject(() -> assembler().accept(new Chunk("k", "trunk.0.bias", B, 0, new float[] {1, 2, 3}, true))));
        assertEquals("install stream mixes weight set keys 'k' and 'j' (one stream installs one set)",
                reject(() -> assembler().accept(new Chunk("k", "trunk.0.bias", B, 0, new float[] {1}, false))
                        .accept(new Chunk("j", "trunk.0.bias", B, 1, new float[] {2}, false))));
        assertEquals("weight set 'k': chunk 2 (tensor 'trunk.0.bias') arrived after the chunk marked last",
                reject(() -> assembler().accept(new Chunk("k", "trunk.0.bias", B, 0, new float[] {1}, true))
                        .accept(new Chunk("k", "trunk.0.bias", B, 1, new float[] {2}, false))));
        assertEquals("weight set 'k': tensor 'trunk.0.bias' value 1 is Infinity",
                reject(() -> assembler().accept(new Chunk("k", "trunk.0.bias", B, 0,
                        new float[] {1, Float.POSITIVE_INFINITY}, true))));
        assertEquals("chunk 1 (tensor 'trunk.0.bias') has no weight set key",
                reject(() -> assembler().accept(new Chunk("", "trunk.0.bias", B, 0, new float[] {1}, true))));
    }

    @Test
    void chunksAboveOneMebibyteAreRejected() {
        Map<String, int[]> big = Map.of("trunk.0.weight", new int[] {1024, 1024});
        float[] tooMany = new float[(1 << 20) / 4 + 1];
        assertEquals("weight set 'k': a chunk of tensor 'trunk.0.weight' carries 262145 values, more than 262144"
                + " (1 MiB)", reject(() -> new WeightAssembler(big)
                .accept(new Chunk("k", "trunk.0.weight", new int[] {1024, 1024}, 0, tooMany, false))));
    }

    @Test
    void emptyOrUnterminatedStreamsAreRejected() {
        assertEquals("install stream carried no chunks", reject(() -> assembler().finish()));
        assertEquals("weight set 'k': stream ended without a chunk marked last", reject(() -> assembler()
                .accept(new Chunk("k", "trunk.0.bias", B, 0, new float[] {1, 2}, false)).finish()));
    }
}
