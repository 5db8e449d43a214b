package dev.twin.core.suite;

import dev.twin.core.train.TrainConfig;

/** How a suite's models are trained: the base on {@code baseTask}, then every expert from the base trunk. */
public record Recipe(String baseTask, TrainConfig base, TrainConfig expert) {
}
