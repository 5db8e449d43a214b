package dev.twin.core.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Opening a checkpoint whatever its form, and checking that two checkpoints hold the same tensors. */
public final class Checkpoints {
    /** File name of an unsharded checkpoint inside a model directory. */
    public static final String SINGLE_FILE = "model.safetensors";

    private Checkpoints() {
    }

    /**
     * Opens {@code p}: a {@code .safetensors} file; or a directory holding {@value ShardedCheckpoint#INDEX_FILE}
     * (sharded, preferred when both are present) or {@value #SINGLE_FILE}.
     */
    public static TensorSource open(Path p) {
        if (Files.isDirectory(p)) {
            if (Files.isRegularFile(p.resolve(ShardedCheckpoint.INDEX_FILE))) {
                return ShardedCheckpoint.open(p);
            }
            if (Files.isRegularFile(p.resolve(SINGLE_FILE))) {
                return SafetensorsFile.open(p.resolve(SINGLE_FILE));
            }
            throw new CheckpointException(p, "directory holds neither " + ShardedCheckpoint.INDEX_FILE + " nor "
                    + SINGLE_FILE);
        }
        if (!Files.exists(p)) {
            throw new CheckpointException(p, "does not exist");
        }
        if (!p.getFileName().toString().endsWith(".safetensors")) {
            throw new CheckpointException(p, "not a checkpoint: expected a .safetensors file or a directory holding "
                    + ShardedCheckpoint.INDEX_FILE + " or " + SINGLE_FILE);
        }
        return SafetensorsFile.open(p);
    }

    /**
     * Checks that {@code expert} has exactly the tensors of {@code base} with the same shapes (dtypes may differ:
     * all arithmetic is float32). Reads headers only.
     *
     * @throws CheckpointException naming the expert, both paths and the tensors that differ
     */
    public static void requireSameLayout(TensorSource base, String expertName, TensorSource expert) {
        requireSameLayout(base, expertName, expert, n -> true);
    }

    /**
     * The same check restricted to the tensors {@code compared} accepts: task-specific tensors (heads) that are never
     * merged may differ in name and shape between base and experts.
     */
    public static void requireSameLayout(TensorSource base, String expertName, TensorSource expert,
                                         Predicate<String> compared) {
        List<String> baseNames = base.names().stream().filter(compared).toList();
        Set<String> baseSet = new HashSet<>(baseNames);
        Set<String> expertNames = new HashSet<>(expert.names());
        List<String> missing = new ArrayList<>();
        for (String n : baseNames) {
            if (!expertNames.contains(n)) {
                missing.add(n);
            }
        }
        List<String> extra = new ArrayList<>();
        for (String n : expert.names()) {
            if (compared.test(n) && !baseSet.contains(n)) {
                extra.add(n);
            }
        }
        String who = "expert '" + expertName + "' does not match base " + base.path() + ": ";
        if (!missing.isEmpty() || !extra.isEmpty()) {
            StringBuilder sb = new StringBuilder(who);
            if (!missing.isEmpty()) {
                sb.append("missing tensors ").append(listNames(missing));
            }
            if (!extra.isEmpty()) {
                sb.append(missing.isEmpty() ? "" : "; ").append("extra tensors ").append(listNames(extra));
            }
            throw new CheckpointException(expert.path(), sb.toString());
        }
        for (String n : baseNames) {
            TensorInfo b = base.info(n);
            TensorInfo e = expert.info(n);
            if (!b.sameShape(e)) {
                throw new CheckpointException(expert.path(), who + "tensor '" + n + "' has shape " + e.shapeString()
                        + " in the expert but " + b.shapeString() + " in the base");
            }
        }
    }

    /** Up to 10 names, then how many more: error messages stay readable for models with thousands of tensors. */
    static String listNames(Collection<String> names) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        for (String n : names) {
            if (i == 10) {
                sb.append(", ... ").append(names.size() - 10).append(" more");
                break;
            }
            sb.append(i == 0 ? "" : ", ").append('\'').append(n).append('\'');
            i++;
        }
        return sb.append(']').toString();
    }
}
