package dev.twin.core.eval;

import java.util.Map;

/**
 * One row of the table: accuracy per task in [0,1], normalized score per task in percent of expert t on task t,
 * their average, bytes stored (router apart) and a note on the settings used (e.g. the chosen λ). {@code se} holds
 * the standard error of each normalized score and {@code seAvg} that of the average ({@link StandardError}).
 */
public record MethodResult(Map<String, Double> accuracy, Map<String, Double> normalized, double avg,
                           Map<String, Double> se, double seAvg, long storageBytes, String note) {

    /** The same row with another note. */
    public MethodResult withNote(String newNote) {
        return new MethodResult(accuracy, normalized, avg, se, seAvg, storageBytes, newNote);
    }
}
