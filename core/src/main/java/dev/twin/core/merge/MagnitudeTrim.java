package dev.twin.core.merge;

/**
 * Keeps exactly the k entries of largest |value| among the entries of one or more arrays read as one flat sequence
 * (one tensor, or a whole task vector in weight-set order). Entries tied in magnitude at the threshold are kept from
 * the lowest flat index up until k are kept. The threshold comes from an O(n) quickselect on a copy of |values|.
 *
 * <p>Use: build with {@link #keepTop}, then call {@link #keep} once per entry, in flat order.
 */
public final class MagnitudeTrim {
    private final float threshold;
    private long tiesLeft;

    private MagnitudeTrim(float threshold, long tiesLeft) {
        this.threshold = threshold;
        this.tiesLeft = tiesLeft;
    }

    /** A trim that keeps the top {@code k} entries by |value| of {@code parts} concatenated (k ≤ 0 keeps none). */
    public static MagnitudeTrim keepTop(long k, float[]... parts) {
        long total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        if (k <= 0) {
            return new MagnitudeTrim(Float.POSITIVE_INFINITY, 0);
        }
        if (k >= total) {
            return new MagnitudeTrim(Float.NEGATIVE_INFINITY, 0);
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot rank " + total + " values at once (more than one Java array holds)");
        }
        float[] abs = new float[(int) total];
        int o = 0;
        for (float[] p : parts) {
            for (float x : p) {
                abs[o++] = Math.abs(x);
            }
        }
        // the k-th largest is the (total−k)-th smallest
        float t = select(abs, (int) (total - k));
        long greater = 0;
        for (float a : abs) {
            if (a > t) {
                greater++;
            }
        }
        return new MagnitudeTrim(t, k - greater);
    }

    /** Flat indices, ascending, of the top {@code k} entries of {@code values} by |value|. */
    public static int[] topIndices(float[] values, long k) {
        MagnitudeTrim trim = keepTop(k, values);
        int[] idx = new int[(int) Math.min(Math.max(k, 0), values.length)];
        int j = 0;
        for (int i = 0; i < values.length; i++) {
            if (trim.keep(values[i])) {
                idx[j++] = i;
            }
        }
        return idx;
    }

    /** Whether the next entry in flat order is kept. */
    public boolean keep(float value) {
        float a = Math.abs(value);
        if (a > threshold) {
            return true;
        }
        if (a == threshold && tiesLeft > 0) {
            tiesLeft--;
            return true;
        }
        return false;
    }

    /** Zeroes, in place, every entry of {@code values} (the next ones in flat order) that is not kept. */
    public void apply(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!keep(values[i])) {
                values[i] = 0f;
            }
        }
    }

    /**
     * The value that would sit at {@code target} if {@code a} were sorted ascending (reorders {@code a}).
     * Three-way partitioning keeps it linear when many values are equal (e.g. the zeros of a sparse task vector).
     */
    static float select(float[] a, int target) {
        int lo = 0;
        int hi = a.length - 1;
        SplitMix64 pivots = new SplitMix64(a.length);
        while (lo < hi) {
            float p = a[lo + (int) Long.remainderUnsigned(pivots.nextLong(), hi - lo + 1)];
            int lt = lo;
            int i = lo;
            int gt = hi;
            // invariant: a[lo..lt) < p, a[lt..i) == p, a(gt..hi] > p
            while (i <= gt) {
                float x = a[i];
                if (x < p) {
                    a[i++] = a[lt];
                    a[lt++] = x;
                } else if (x > p) {
                    a[i] = a[gt];
                    a[gt--] = x;
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return p;
            }
        }
        return a[lo];
    }
}
