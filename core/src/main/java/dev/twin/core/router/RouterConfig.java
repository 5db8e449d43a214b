package dev.twin.core.router;

/**
 * Router training settings (TWIN-MERGING.md "The router").
 *
 * @param lr      Adam learning rate (paper: 5e-4)
 * @param batch   mini-batch size, 2..1024 (BatchNorm needs two rows; the paper uses up to 1024)
 * @param epochs  passes over the training split (paper: 10–50)
 * @param holdout fraction of each task's items held out to pick the best epoch, in (0, 1)
 * @param seed    seeds the split, the initialization, the shuffling and the dropout masks
 */
public record RouterConfig(double lr, int batch, int epochs, double holdout, long seed) {
    public static final int MAX_BATCH = 1024;

    public RouterConfig {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("router lr must be a positive number, got " + lr);
        }
        if (batch < 2 || batch > MAX_BATCH) {
            throw new IllegalArgumentException("router batch must be in [2, " + MAX_BATCH + "], got " + batch);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("router epochs must be >= 1, got " + epochs);
        }
        if (!(holdout > 0 && holdout < 1)) {
            throw new IllegalArgumentException("router holdout fraction must be in (0, 1), got " + holdout);
        }
    }

    /** lr 5e-4, batch 1024, 30 epochs, 20% held out, seed 0. */
    public static RouterConfig defaults() {
        return new RouterConfig(5e-4, MAX_BATCH, 30, 0.2, 0L);
    }

    public RouterConfig withEpochs(int e) {
        return new RouterConfig(lr, batch, e, holdout, seed);
    }

    public RouterConfig withBatch(int b) {
        return new RouterConfig(lr, b, epochs, holdout, seed);
    }

    public RouterConfig withSeed(long s) {
        return new RouterConfig(lr, batch, epochs, holdout, s);
    }
}
