package dev.twin.core.model;

import dev.twin.core.tensor.FloatTensor;
import java.util.SplittableRandom;

/** Seeded parameter initialization, PyTorch's default for Linear and Conv2d layers. */
final class Init {
    private Init() {
    }

    /** Weight and bias of a layer with fan-in f: both ~ U(−1/√f, 1/√f) (what nn.Linear / nn.Conv2d do). */
    static FloatTensor uniform(SplittableRandom rng, int[] shape, int fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        FloatTensor t = FloatTensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble(-bound, bound);
        }
        return t;
    }
}
