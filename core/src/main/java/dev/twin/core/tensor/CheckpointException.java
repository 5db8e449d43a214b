package dev.twin.core.tensor;

import java.nio.file.Path;

/**
 * A checkpoint file or directory that cannot be read or written as asked. The message always starts with the path,
 * then a colon, then the problem, e.g. {@code /x/a.safetensors: header length 9999 exceeds file size 120}.
 */
public class CheckpointException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public CheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file or directory the problem is in. */
    public Path file() {
        return file;
    }

    /** The message without the leading path. */
    public String problem() {
        return problem;
    }
}
