package dev.twin.core.router;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves a {@link WeightSet} into DJL arrays and back. */
final class DjlWeights {
    private DjlWeights() {
    }

    static Map<String, NDArray> toNd(WeightSet ws, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        ws.asMap().forEach((name, t) -> out.put(name, manager.create(t.data(), shape(t.shape()))));
        return out;
    }

    static WeightSet fromNd(Map<String, NDArray> params) {
        WeightSet out = new WeightSet();
        params.forEach((name, a) -> out.put(name, new FloatTensor(toInt(a.getShape()), a.toFloatArray())));
        return out;
    }

    static Shape shape(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return new Shape(l);
    }

    private static int[] toInt(Shape s) {
        int[] out = new int[s.dimension()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(s.get(i));
        }
        return out;
    }
}
