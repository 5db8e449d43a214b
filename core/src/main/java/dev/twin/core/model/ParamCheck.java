package dev.twin.core.model;

import ai.djl.ndarray.NDArray;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.Arrays;
import java.util.Map;

/** Validation of inputs and parameters, so a wrong weight set fails with a message naming the tensor. */
final class ParamCheck {
    private ParamCheck() {
    }

    /** The parameter {@code name} of shape {@code shape}, or a clear error. */
    static NDArray param(String arch, Map<String, NDArray> params, String name, int[] shape) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException(arch + ": weight set has no tensor '" + name + "'");
        }
        long[] actual = a.getShape().getShape();
        if (!sameShape(actual, shape)) {
            throw new IllegalArgumentException(arch + ": tensor '" + name + "' has shape " + Arrays.toString(actual)
                    + ", expected " + Arrays.toString(shape));
        }
        return a;
    }

    /** Same check for a stored tensor. */
    static FloatTensor tensor(String arch, WeightSet weights, String name, int[] shape) {
        if (!weights.contains(name)) {
            throw new IllegalArgumentException(arch + ": weight set has no tensor '" + name + "'");
        }
        FloatTensor t = weights.get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(arch + ": tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected " + Arrays.toString(shape));
        }
        return t;
    }

    /** x as [B, prod(inputShape)]; accepts [B, prod] or [B, inputShape...]. */
    static NDArray flatInput(String arch, NDArray x, int[] inputShape) {
        long[] s = x.getShape().getShape();
        int dim = prod(inputShape);
        boolean flat = s.length == 2 && s[1] == dim;
        boolean full = s.length == inputShape.length + 1 && sameShape(Arrays.copyOfRange(s, 1, s.length), inputShape);
        if (!flat && !full) {
            throw new IllegalArgumentException(arch + ": input has shape " + Arrays.toString(s) + ", expected [batch, "
                    + dim + "] or [batch, " + Arrays.toString(inputShape).replaceAll("[\\[\\]]", "") + "]");
        }
        return flat ? x : x.reshape(s[0], dim);
    }

    static int prod(int[] shape) {
        long n = FloatTensor.numel(shape);
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " has no usable size");
        }
        return (int) n;
    }

    private static boolean sameShape(long[] a, int[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
