package dev.twin.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.twin.core.runtime.DjlRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW and its schedule against hand-computed values. */
class AdamWTest {

    @Test
    void warmupThenLinearDecay() {
        AdamWConfig c = new AdamWConfig(1.0, 0, 1, 1, 0.1, 0);
        // 20 steps: w = ceil(0.1·20) = 2 warm-up steps (0.5, 1.0), then (20 − s)/18
        assertEquals(0.5, c.lrAt(0, 20), 1e-12);
        assertEquals(1.0, c.lrAt(1, 20), 1e-12);
        assertEquals(1.0, c.lrAt(2, 20), 1e-12);
        assertEquals(10.0 / 18, c.lrAt(10, 20), 1e-12);
        assertEquals(1.0 / 18, c.lrAt(19, 20), 1e-12);
        AdamWConfig flat = new AdamWConfig(2.0, 0, 1, 1, 0, 0);
        assertEquals(2.0, flat.lrAt(0, 4), 1e-12);
        assertEquals(0.5, flat.lrAt(3, 4), 1e-12);
    }

    @Test
    void badSettingsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0, 0, 1, 1, 0, 0))
                .getMessage().contains("learning rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(1, -1, 1, 1, 0, 0))
                .getMessage().contains("weight decay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(1, 0, 1, 1, 1, 0))
                .getMessage().contains("warmup"));
    }

    @Test
    void decoupledDecayOnMatricesAndSignSizedFirstSteps() {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray w = m.create(new float[] {1f, -2f}, new Shape(1, 2)); // a matrix: decayed
            NDArray b = m.create(new float[] {2f});                         // a vector: not decayed
            NDArray cw = m.create(new float[] {3f, -0.5f}, new Shape(1, 2));
            NDArray cb = m.create(new float[] {4f});
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", w);
            p.put("b", b);
            try (AdamW opt = new AdamW(p, 0.5)) {
                for (int s = 0; s < 2; s++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            // loss = Σ cw·w + Σ cb·b, so g = (cw, cb) on every step
                            gc.backward(w.mul(cw).sum().add(b.mul(cb).sum()));
                        }
                        opt.step(0.1);
                    }
                }
                assertEquals(2, opt.steps());
            }
            // with a constant gradient m̂ = g and v̂ = g² on every step (bias-corrected), so the Adam part is
            // −lr·sign(g); decay multiplies matrices by 1 − lr·λ = 0.95 first. A gradient left to accumulate would
            // give m̂ ≠ g on step 2 and another value.
            // w: 1 → 0.95 − 0.1 = 0.85 → 0.8075 − 0.1 = 0.7075;  −2 → −1.9 + 0.1 = −1.8 → −1.71 + 0.1 = −1.61
            float[] wv = w.toFloatArray();
            assertEquals(0.7075f, wv[0], 1e-6f);
            assertEquals(-1.61f, wv[1], 1e-6f);
            // b: 2 → 1.9 → 1.8 (no decay)
            assertEquals(1.8f, b.toFloatArray()[0], 1e-6f);
        }
    }
}
