package dev.twin.router.request;

import java.util.List;

/**
 * What a valid request looks like: the served model name, the bundle's tasks and input size, the size limit, and
 * whether a request must name its task (when no router runs to choose the head).
 */
public record RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                          boolean taskRequired) {

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes) {
        this(modelName, tasks, inputSize, maxPayloadBytes, false);
    }

    public RequestSpec {
        tasks = List.copyOf(tasks);
        if (inputSize < 1 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("input size and payload limit must be positive, got " + inputSize
                    + " and " + maxPayloadBytes);
        }
    }
}
