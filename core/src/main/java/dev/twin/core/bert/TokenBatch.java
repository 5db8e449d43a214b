package dev.twin.core.bert;

/**
 * Tokenized texts padded / truncated to one length L: ids[b][t] and mask[b][t] (1 = token, 0 = padding).
 * {@link #rows()} gives the model input of architecture "bert": per example the L ids then the L mask values.
 */
public record TokenBatch(long[][] ids, long[][] mask) {
    public TokenBatch {
        if (ids.length != mask.length) {
            throw new IllegalArgumentException("token batch: " + ids.length + " id rows but " + mask.length
                    + " mask rows");
        }
    }

    public int size() {
        return ids.length;
    }

    /** Sequence length L (0 for an empty batch). */
    public int length() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** Number of real tokens (mask = 1) of example b. */
    public int tokens(int b) {
        int n = 0;
        for (long v : mask[b]) {
            n += (int) v;
        }
        return n;
    }

    /** Example b as the float row [ids (L) | mask (L)] that "bert" takes (ids &lt; 2^24 are exact in float). */
    public float[] row(int b) {
        int len = ids[b].length;
        float[] r = new float[2 * len];
        for (int t = 0; t < len; t++) {
            r[t] = ids[b][t];
            r[len + t] = mask[b][t];
        }
        return r;
    }

    /** All examples as rows, see {@link #row}. */
    public float[][] rows() {
        float[][] out = new float[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            out[b] = row(b);
        }
        return out;
    }
}
