package dev.twin.executor.weights;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.executor.reject.RejectedException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Assembles the chunks of one install stream into a weight set, checking every chunk against the bundle's shared
 * expert (name, shape), the chunk size bound, in-order offsets and finite values, and at the end that every tensor is
 * complete. Not thread-safe: one per stream.
 */
public final class WeightAssembler {
    /** 1 MiB of float32 values per chunk. */
    public static final int MAX_CHUNK_VALUES = (1 << 20) / Float.BYTES;

    private final Map<String, int[]> expected;
    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    private final Map<String, Integer> filled = new LinkedHashMap<>();
    private String key;
    private boolean lastSeen;
    private int chunks;

    public WeightAssembler(Map<String, int[]> expected) {
        this.expected = expected;
    }

    /** Checks and copies one chunk; throws INVALID with the tensor and the problem named. */
    public WeightAssembler accept(Chunk c) {
        chunks++;
        if (lastSeen) {
            throw RejectedException.invalid("weight set '" + key + "': chunk " + chunks + " (tensor '" + c.tensor()
                    + "') arrived after the chunk marked last");
        }
        if (c.key() == null || c.key().isEmpty()) {
            throw RejectedException.invalid("chunk " + chunks + " (tensor '" + c.tensor() + "') has no weight set key");
        }
        if (key == null) {
            key = c.key();
        } else if (!key.equals(c.key())) {
            throw RejectedException.invalid("install stream mixes weight set keys '" + key + "' and '" + c.key()
                    + "' (one stream installs one set)");
        }
        int[] shape = expected.get(c.tensor());
        if (shape == null) {
            throw RejectedException.invalid("weight set '" + key + "': unknown tensor '" + c.tensor()
                    + "' (the bundle's shared expert has " + expected.keySet() + ")");
        }
        if (!Arrays.equals(shape, c.shape())) {
            throw RejectedException.invalid("weight set '" + key + "': tensor '" + c.tensor() + "' has shape "
                    + Arrays.toString(c.shape()) + " but the bundle's shared expert has " + Arrays.toString(shape));
        }
        if (c.data().length > MAX_CHUNK_VALUES) {
            throw RejectedException.invalid("weight set '" + key + "': a chunk of tensor '" + c.tensor() + "' carries "
                    + c.data().length + " values, more than " + MAX_CHUNK_VALUES + " (1 MiB)");
        }
        float[] buf = buffers.computeIfAbsent(c.tensor(), n -> new float[(int) FloatTensor.numel(shape)]);
        int have = filled.getOrDefault(c.tensor(), 0);
        if (c.offset() != have) {
            throw RejectedException.invalid("weight set '" + key + "': tensor '" + c.tensor() + "' chunk at offset "
                    + c.offset() + " but " + have + " values were received so far (chunks must come in order)");
        }
        if (have + (long) c.data().length > buf.length) {
            throw RejectedException.invalid("weight set '" + key + "': tensor '" + c.tensor() + "' receives "
                    + (have + (long) c.data().length) + " values but shape " + Arrays.toString(shape) + " holds "
                    + buf.length);
        }
        float[] d = c.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw RejectedException.invalid("weight set '" + key + "': tensor '" + c.tensor() + "' value "
                        + (have + i) + " is " + d[i]);
            }
        }
        System.arraycopy(d, 0, buf, have, d.length);
        filled.put(c.tensor(), have + d.length);
        lastSeen = c.last();
        return this;
    }

    /** The key the stream installs (null before the first chunk). */
    public String key() {
        return key;
    }

    /** The complete weight set in the shared expert's tensor order; throws INVALID naming what is missing. */
    public WeightSet finish() {
        if (chunks == 0) {
            throw RejectedException.invalid("install stream carried no chunks");
        }
        if (!lastSeen) {
            throw RejectedException.invalid("weight set '" + key + "': stream ended without a chunk marked last");
        }
        WeightSet out = new WeightSet();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            float[] buf = buffers.get(e.getKey());
            int have = filled.getOrDefault(e.getKey(), 0);
            if (buf == null || have != buf.length) {
                throw RejectedException.invalid("weight set '" + key + "' is incomplete: tensor '" + e.getKey() + "' "
                        + Arrays.toString(e.getValue()) + " has " + have + " of " + FloatTensor.numel(e.getValue())
                        + " values");
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().clone(), buf));
        }
        return out;
    }
}
