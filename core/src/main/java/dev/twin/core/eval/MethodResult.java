package dev.twin.core.eval;

import java.util.Map;

/**
 * One row of the table: accuracy per task in [0,1], normalized score per task in percent of expert t on task t,
 * their average, bytes stored (router apart) and a note on the settings used (e.g. the chosen λ).
 */
public record MethodResult(Map<String, Double> accuracy, Map<String, Double> normalized, double avg,
                           long storageBytes, String note) {
}
