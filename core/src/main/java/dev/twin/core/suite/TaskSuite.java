package dev.twin.core.suite;

import dev.twin.core.model.ArchitectureSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** A family of classification tasks over one input space, with the architecture and recipe to train on it. */
public interface TaskSuite {
    /** Registry name, e.g. "synthetic" or "fashion-mnist-8". */
    String name();

    /** The model every task shares (a trunk and one head per task). */
    ArchitectureSpec architecture();

    /** The tasks, in a fixed order. Implementations may build a task's splits when it is first accessed. */
    List<TaskData> tasks();

    /** How base and experts are trained. */
    Recipe recipe();

    /**
     * Everything besides name, architecture and recipe that decides what training produces (data generation
     * constants, data files): part of the trained-model cache key, so changing it never reuses stale experts.
     */
    String dataVersion();

    /** The tokenizer.json of a text suite (its rows are token ids), shipped in its bundles; empty otherwise. */
    default java.util.Optional<Path> tokenizer() {
        return java.util.Optional.empty();
    }

    /**
     * SVD rank of the exclusive experts in this suite's bundle: DESIGN.md's 16 for the 784→512→256 trunk; a suite of
     * narrow matrices needs less for the bundle to be smaller than its experts.
     */
    default int twinRank() {
        return 16;
    }

    /**
     * Trains the base and experts (called by {@link SuiteModelCache} on a miss; {@code cacheDir} is the cache entry's
     * directory, where a suite may keep artifacts of its own such as adapters). Default: {@link SuiteTrainer} with
     * {@link #recipe()}.
     */
    default SuiteModels train(Path cacheDir, boolean progress, PrintStream log) {
        return SuiteTrainer.train(this, progress);
    }

    /** What decides how training runs, for the trained-model cache key. Default: the recipe. */
    default String trainingVersion() {
        return String.valueOf(recipe());
    }

    /** Validation items per task that select λ of the static merges in an evaluation (at most). */
    default int selectionItems() {
        return 1000;
    }

    /** The task called name, or a clear error listing the known ones. */
    default TaskData task(String taskName) {
        for (TaskData t : tasks()) {
            if (t.name().equals(taskName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("suite '" + name() + "' has no task '" + taskName + "' (tasks: "
                + taskNames() + ")");
    }

    /** The task names in order. */
    default List<String> taskNames() {
        return tasks().stream().map(TaskData::name).toList();
    }
}
