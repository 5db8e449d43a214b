package dev.twin.core.train;

/**
 * Settings of one AdamW fine-tuning run ({@link FineTuner}): peak learning rate, decoupled weight decay (applied to
 * matrices only, not to biases or LayerNorm vectors), batch size, epochs, the fraction of steps spent warming the
 * learning rate up linearly from 0 (it then decays linearly to 0, the usual BERT schedule), and the shuffling seed.
 */
public record AdamWConfig(double lr, double weightDecay, int batch, int epochs, double warmup, long seed) {

    public AdamWConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("AdamW learning rate must be positive and finite, got " + lr);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW weight decay must be >= 0 and finite, got " + weightDecay);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new IllegalArgumentException("warmup fraction must be in [0, 1), got " + warmup);
        }
    }

    /** The same settings with another seed. */
    public AdamWConfig withSeed(long newSeed) {
        return new AdamWConfig(lr, weightDecay, batch, epochs, warmup, newSeed);
    }

    /**
     * Learning rate at step s (0-based) of {@code total}: lr·(s+1)/w during the w = ceil(warmup·total) warm-up steps,
     * then lr·(total − s)/(total − w), reaching lr/(total − w) on the last step.
     */
    public double lrAt(int step, int total) {
        int w = (int) Math.ceil(warmup * total);
        if (step < w) {
            return lr * (step + 1) / w;
        }
        return lr * (total - step) / Math.max(1, total - w);
    }
}
