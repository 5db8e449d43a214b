package dev.twin.core.train;

/**
 * Settings of one SGD run: learning rate, momentum (PyTorch convention), batch size, epochs, and the seed of the
 * shuffling.
 */
public record TrainConfig(double lr, double momentum, int batch, int epochs, long seed) {

    public TrainConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
    }

    /** The same settings with another seed. */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(lr, momentum, batch, epochs, newSeed);
    }
}
