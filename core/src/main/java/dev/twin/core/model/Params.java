package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Conversion between stored weight sets and DJL arrays (float32, same names, same order). */
public final class Params {
    private Params() {
    }

    /** Every tensor of {@code weights} as an NDArray owned by {@code manager}. */
    public static Map<String, NDArray> toNd(NDManager manager, WeightSet weights) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        weights.asMap().forEach((name, t) -> {
            long[] shape = new long[t.rank()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.shape()[i];
            }
            NDArray a = manager.create(t.data(), new Shape(shape));
            a.setName(name);
            out.put(name, a);
        });
        return out;
    }

    /** Copies the arrays back to a weight set (converted to float32). */
    public static WeightSet fromNd(Map<String, NDArray> arrays) {
        WeightSet out = new WeightSet();
        arrays.forEach((name, a) -> {
            long[] s = a.getShape().getShape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = Math.toIntExact(s[i]);
            }
            float[] data;
            if (a.getDataType() == DataType.FLOAT32) {
                data = a.toFloatArray();
            } else {
                try (NDArray f = a.toType(DataType.FLOAT32, true)) {
                    data = f.toFloatArray();
                }
            }
            out.put(name, new FloatTensor(shape, data));
        });
        return out;
    }
}
