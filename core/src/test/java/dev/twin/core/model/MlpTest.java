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

class MlpTest {
    private static final Mlp TINY = new Mlp(new ArchitectureSpec("mlp", List.of(2), List.of(2, 1)));

    private static WeightSet tinyWeights() {
        return new WeightSet()
                .put("trunk.0.weight", FloatTensor.of(new int[] {2, 2}, 1f, -1f, 0.5f, 2f))
                .put("trunk.0.bias", FloatTensor.of(new int[] {2}, 0f, -1f))
                .put("trunk.1.weight", FloatTensor.of(new int[] {1, 2}, -1f, 2f))
                .put("trunk.1.bias", FloatTensor.of(new int[] {1}, 0.5f))
                .put("head.t.weight", FloatTensor.of(new int[] {2, 1}, 1f, -2f))
                .put("head.t.bias", FloatTensor.of(new int[] {2}, 0f, 1f));
    }

    @Test
    void forwardMatchesHandComputedNumbers() {
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, tinyWeights());
            NDArray x = m.create(new float[] {1f, 2f, -1f, 0.5f}, new Shape(2, 2));
            // row 1: layer0 relu([1-2, 0.5+4-1]) = [0, 3.5]; layer1 relu(-0 + 7 + 0.5) = 7.5
            // row 2: layer0 relu([-1.5, -0.5]) = [0, 0]; layer1 relu(0.5) = 0.5
            assertArrayEquals(new float[] {7.5f, 0.5f}, TINY.features(p, x).toFloatArray(), 1e-6f);
            // logits = f·[1, -2]ᵀ + [0, 1]
            assertArrayEquals(new float[] {7.5f, -14f, 0.5f, 0f}, TINY.logits(p, "t", x).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void shapesAndInitFollowTheNamingConvention() {
        Mlp mlp = new Mlp(new ArchitectureSpec("mlp", List.of(1, 4, 4), List.of(8, 3)));
        WeightSet trunk = mlp.initTrunk(5);
        assertEquals(List.of("trunk.0.weight", "trunk.0.bias", "trunk.1.weight", "trunk.1.bias"),
                List.copyOf(trunk.names()));
        assertArrayEquals(new int[] {8, 16}, trunk.get("trunk.0.weight").shape());
        assertArrayEquals(new int[] {3, 8}, trunk.get("trunk.1.weight").shape());
        assertEquals(3, mlp.featureDim());
        // U(±1/√fanIn): every value of layer 0 is within 1/√16 = 0.25, and they are not all equal
        float[] w0 = trunk.get("trunk.0.weight").data();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : w0) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -0.25f && max <= 0.25f && max - min > 0.2f, "range " + min + ".." + max);
        assertEquals(trunk.get("trunk.0.weight"), mlp.initTrunk(5).get("trunk.0.weight"), "seeded");
        assertTrue(!trunk.get("trunk.0.weight").equals(mlp.initTrunk(6).get("trunk.0.weight")), "seed matters");
        WeightSet head = mlp.initHead("a", 4, 1);
        assertArrayEquals(new int[] {4, 3}, head.get("head.a.weight").shape());
        assertArrayEquals(new int[] {4}, head.get("head.a.bias").shape());
    }

    @Test
    void acceptsFlatOrShapedInputAndRejectsOthers() {
        Mlp mlp = new Mlp(new ArchitectureSpec("mlp", List.of(1, 2, 2), List.of(3)));
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> p = Params.toNd(m, mlp.initTrunk(1));
            float[] data = {1, 2, 3, 4, 5, 6, 7, 8};
            float[] flat = mlp.features(p, m.create(data, new Shape(2, 4))).toFloatArray();
            float[] shaped = mlp.features(p, m.create(data, new Shape(2, 1, 2, 2))).toFloatArray();
            assertArrayEquals(flat, shaped);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mlp.features(p, m.create(new float[6], new Shape(2, 3))));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("4"), e.getMessage());
        }
    }

    @Test
    void missingOrMisshapenTensorsAreNamed() {
        try (NDManager m = DjlRuntime.newManager()) {
            WeightSet w = tinyWeights();
            NDArray x = m.create(new float[2], new Shape(1, 2));
            Map<String, NDArray> missing = Params.toNd(m, w.filter(n -> !n.equals("trunk.1.bias")));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TINY.features(missing, x));
            assertTrue(e.getMessage().contains("trunk.1.bias"), e.getMessage());
            w.put("trunk.0.weight", FloatTensor.zeros(2, 3));
            Map<String, NDArray> bad = Params.toNd(m, w);
            e = assertThrows(IllegalArgumentException.class, () -> TINY.features(bad, x));
            assertTrue(e.getMessage().contains("trunk.0.weight") && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> TINY.logits(Params.toNd(m, tinyWeights()), "u", x));
            assertTrue(e.getMessage().contains("'u'"), e.getMessage());
        }
    }

    @Test
    void paramsRoundTripKeepsNamesShapesAndValues() {
        WeightSet w = tinyWeights();
        try (NDManager m = DjlRuntime.newManager()) {
            WeightSet back = Params.fromNd(Params.toNd(m, w));
            assertEquals(List.copyOf(w.names()), List.copyOf(back.names()));
            for (String n : w.names()) {
                assertEquals(w.get(n), back.get(n), n);
            }
        }
    }

    @Test
    void registryBuildsByNameAndListsKnownNames() {
        assertTrue(Architectures.create(new ArchitectureSpec("mlp", List.of(784), List.of(512, 256))) instanceof Mlp);
        assertTrue(Architectures.create(new ArchitectureSpec("cnn", List.of(1, 28, 28), List.of(4, 8, 16)))
                instanceof Cnn);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.create(new ArchitectureSpec("resnet", List.of(3), List.of(2))));
        assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("cnn")
                && e.getMessage().contains("mlp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.create(new ArchitectureSpec("mlp", List.of(4), List.of(0))));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }
}
