package dev.twin.core.merge;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;

/** Tiny builders for hand-written weight sets. */
final class Sets {
    private Sets() {
    }

    /** A 1×n tensor. */
    static FloatTensor row(float... v) {
        return FloatTensor.of(new int[] {1, v.length}, v);
    }

    /** name, tensor, name, tensor, ... */
    static WeightSet ws(Object... pairs) {
        WeightSet w = new WeightSet();
        for (int i = 0; i < pairs.length; i += 2) {
            w.put((String) pairs[i], (FloatTensor) pairs[i + 1]);
        }
        return w;
    }
}
