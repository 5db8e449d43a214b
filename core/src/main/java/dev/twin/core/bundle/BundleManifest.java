package dev.twin.core.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.twin.core.model.ArchitectureSpec;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a bundle (DESIGN.md): format version, architecture, tasks, input shape, how the shared
 * expert and the compression were made, the router, the storage report and the sha256 of every file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(String format, int formatVersion, ArchitectureSpec architecture, List<TaskEntry> tasks,
                             List<Integer> inputShape, SharedSpec shared, CompressionSpec compression,
                             RouterSpec router, StorageReport storage, Map<String, String> files) {
    public static final String FORMAT = "twin-bundle";
    public static final int VERSION = 1;

    /** A task and its number of classes (null when the bundle was made from checkpoints without a known head). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskEntry(String name, Integer classes) {
    }

    /** The static merge that built θ*. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SharedSpec(String method, double lambda, Double density, String trimScope, long seed,
                             List<String> exclude) {
    }

    /** The compression of the exclusive vectors. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompressionSpec(String method, Integer rank, Double density, long seed) {
    }

    /** The router file and its merge temperature. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RouterSpec(String file, double temperature, Double heldOutAccuracy, long bytes) {
    }

    public List<String> taskNames() {
        return tasks.stream().map(TaskEntry::name).toList();
    }

    public BundleManifest withRouter(RouterSpec r, StorageReport s, Map<String, String> f) {
        return new BundleManifest(format, formatVersion, architecture, tasks, inputShape, shared, compression, r, s, f);
    }
}
