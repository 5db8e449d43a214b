package dev.twin.router.request;

import java.util.List;

/**
 * What a valid request looks like: the served model name, the bundle's tasks and input size, the size limit, whether
 * a request must name its task (when no router runs to choose the head), and for a text model how a BYTES input
 * (one UTF-8 text) becomes the input row (null: FP32 input only).
 */
public record RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                          boolean taskRequired, TextInput text) {

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes) {
        this(modelName, tasks, inputSize, maxPayloadBytes, false, null);
    }

    public RequestSpec(String modelName, List<String> tasks, int inputSize, int maxPayloadBytes,
                       boolean taskRequired) {
        this(modelName, tasks, inputSize, maxPayloadBytes, taskRequired, null);
    }

    public RequestSpec {
        tasks = List.copyOf(tasks);
        if (inputSize < 1 || maxPayloadBytes < 1) {
            throw new IllegalArgumentException("input size and payload limit must be positive, got " + inputSize
                    + " and " + maxPayloadBytes);
        }
    }
}
