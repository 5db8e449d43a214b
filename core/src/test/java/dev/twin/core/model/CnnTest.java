package dev.twin.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CnnTest {
    private static final Cnn TINY = new Cnn(new ArchitectureSpec("cnn", List.of(1, 4, 4), List.of(1, 1, 2)));

    private static WeightSet tinyWeights() {
        float[] k0 = new float[9];
        k0[0] = 1f; // top-left tap: out[r][c] = in[r-1][c-1]
        float[] k1 = new float[9];
        k1[4] = 1f; // centre tap
        k1[8] = 0.5f; // bottom-right tap: + 0.5·in[r+1][c+1]
        return new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {1, 1, 3, 3}, k0))
                .put("trunk.0.bias", FloatTensor.of(new int[] {1}, -2f))
                .put("trunk.1.weight", FloatTensor.of(new int[] {1, 1, 3, 3}, k1))
                .put("trunk.1.bias", FloatTensor.of(new int[] {1}, -1f))
                .put("trunk.2.weight", FloatTensor.of(new int[] {2, 1}, 2f, -1f))
                .put("trunk.2.bias", FloatTensor.of(new int[] {2}, -3f, 1f));
    }

    @Test
    void convPoolFcMatchHandComputedNumbers() {
        // image 1..16 row-major. conv0 (pad 1) − 2 then relu:
        //   0 0 0 0 / 0 0 0 1 / 0 3 4 5 / 0 7 8 9  → maxpool2: [[0, 1], [7, 9]]
        // conv1: p[r][c] + 0.5·p[r+1][c+1] − 1 → [[3.5, 0], [6, 8]] → relu → maxpool2: 8
        // fc: relu([2·8 − 3, −8 + 1]) = [13, 0]. A zero image gives relu([−3, 1]) = [0, 1].
        float[] x = new float[32];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, tinyWeights());
            float[] expected = {13f, 0f, 0f, 1f};
            assertArrayEquals(expected, TINY.features(p, m.create(x, new Shape(2, 16))).toFloatArray(), 1e-6f);
            assertArrayEquals(expected, TINY.features(p, m.create(x, new Shape(2, 1, 4, 4))).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void shapesFollowTheSpec() {
        Cnn cnn = new Cnn(new ArchitectureSpec("cnn", List.of(1, 28, 28), List.of(4, 8, 16)));
        Map<String, int[]> s = cnn.trunkShapes();
        assertArrayEquals(new int[] {4, 1, 3, 3}, s.get("trunk.0.weight"));
        assertArrayEquals(new int[] {8, 4, 3, 3}, s.get("trunk.1.weight"));
        assertArrayEquals(new int[] {16, 8 * 7 * 7}, s.get("trunk.2.weight"));
        assertEquals(16, cnn.featureDim());
        WeightSet w = cnn.initTrunk(3);
        assertEquals(List.copyOf(s.keySet()), List.copyOf(w.names()));
        // odd sizes floor: 3x9x7 → pools to 2x1
        Cnn odd = new Cnn(new ArchitectureSpec("cnn", List.of(3, 9, 7), List.of(2, 5, 4)));
        assertArrayEquals(new int[] {4, 5 * 2 * 1}, odd.trunkShapes().get("trunk.2.weight"));
    }

    @Test
    void badSpecsAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Cnn(new ArchitectureSpec("cnn", List.of(784), List.of(4, 8, 16))));
        assertTrue(e.getMessage().contains("[channels, height, width]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Cnn(new ArchitectureSpec("cnn", List.of(1, 28, 28), List.of(4, 8))));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Cnn(new ArchitectureSpec("cnn", List.of(1, 3, 28), List.of(4, 8, 16))));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }
}
