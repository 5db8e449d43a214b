package dev.twin.router.request;

import java.util.List;

/** What a valid request looks like: the served model name, the bundle's tasks and input size, the size limit. */
public record RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes) {

    public RequestSpec {
        tasks = List.copyOf(tasks);
        if (inputSize < 1 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("input size and payload limit must be positive, got " + inputSize
                    + " and " + maxPayloadBytes);
        }
    }
}
