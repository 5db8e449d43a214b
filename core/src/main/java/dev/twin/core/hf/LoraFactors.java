package dev.twin.core.hf;

import dev.twin.core.tensor.FloatTensor;

/**
 * The two factors of one LoRA module, as PEFT stores them: {@code a} [r, in] and {@code b} [out, r], so that
 * ΔW = scale · B·A is [out, in]. For an embedding ({@code embedding} true) PEFT's factors are
 * lora_embedding_A [r, num_embeddings] and lora_embedding_B [dim, r] and ΔW = scale · (B·A)ᵀ, shaped like the
 * embedding table [num_embeddings, dim].
 *
 * @param a         A, [r, in]
 * @param b         B, [out, r]
 * @param embedding whether the factors belong to an embedding (named lora_embedding_A/B, ΔW transposed)
 */
public record LoraFactors(FloatTensor a, FloatTensor b, boolean embedding) {

    /** @throws IllegalArgumentException when A or B is not 2-D or their ranks differ, naming both shapes */
    public LoraFactors {
        if (a.rank() != 2 || b.rank() != 2 || a.shape()[0] != b.shape()[1]) {
            throw new IllegalArgumentException("lora_A has shape " + a.shapeString() + " and lora_B "
                    + b.shapeString() + "; expected lora_A [r, in] and lora_B [out, r] (2-D, same r)");
        }
    }

    /** Factors of a linear layer (weight [out, in]). */
    public static LoraFactors linear(FloatTensor a, FloatTensor b) {
        return new LoraFactors(a, b, false);
    }

    public int rank() {
        return a.shape()[0];
    }

    /** Columns of A: the input width of B·A. */
    public int in() {
        return a.shape()[1];
    }

    /** Rows of B: the output width of B·A. */
    public int out() {
        return b.shape()[0];
    }

    /**
     * The shape ΔW has in the base: [out, in], or [in, out] when transposed (fan_in_fan_out, or an embedding).
     */
    public int[] deltaShape(boolean fanInFanOut) {
        return transposed(fanInFanOut) ? new int[]{in(), out()} : new int[]{out(), in()};
    }

    private boolean transposed(boolean fanInFanOut) {
        return embedding || fanInFanOut;
    }

    /** ΔW alone: scale · B·A in {@link #deltaShape}. */
    public FloatTensor delta(double scale, boolean fanInFanOut) {
        FloatTensor d = FloatTensor.zeros(deltaShape(fanInFanOut));
        addDeltaTo(d.data(), scale, fanInFanOut);
        return d;
    }

    /**
     * target += scale · B·A (transposed when fan_in_fan_out or embedding), each element summed in double and rounded
     * to float once. {@code target} is row-major in {@link #deltaShape}.
     */
    public void addDeltaTo(float[] target, double scale, boolean fanInFanOut) {
        int r = rank();
        int in = in();
        int out = out();
        if (target.length != (long) in * out) {
            throw new IllegalArgumentException("target has " + target.length + " values, B·A has " + in * out);
        }
        boolean t = transposed(fanInFanOut);
        float[] av = a.data();
        float[] bv = b.data();
        double[] row = new double[in];
        for (int o = 0; o < out; o++) {
            java.util.Arrays.fill(row, 0);
            // row = Σ_k B[o,k] · A[k,:]  (row o of B·A, A read row by row)
            for (int k = 0; k < r; k++) {
                double bk = bv[o * r + k];
                if (bk == 0) {
                    continue;
                }
                int ak = k * in;
                for (int i = 0; i < in; i++) {
                    row[i] += bk * av[ak + i];
                }
            }
            if (t) {
                for (int i = 0; i < in; i++) {
                    target[i * out + o] = (float) (target[i * out + o] + scale * row[i]);
                }
            } else {
                int base = o * in;
                for (int i = 0; i < in; i++) {
                    target[base + i] = (float) (target[base + i] + scale * row[i]);
                }
            }
        }
    }
}
