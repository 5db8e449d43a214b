package dev.twin.router.route;

/** Router logits [n][T] of n input rows given row-major as [n, inputSize] (core's RouterSession in the service). */
@FunctionalInterface
public interface LogitScorer {
    float[][] logits(float[] input, int n);
}
