package dev.twin.merger.model;

import ai.djl.Device;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.materialize.Materializer;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the merger keeps of a bundle: the task order, the input size and the materializer of θ(w). */
public final class LoadedBundle implements AutoCloseable {
    private final Path dir;
    private final List<String> tasks;
    private final int inputDim;
    private final Materializer materializer;

    private LoadedBundle(Path dir, List<String> tasks, int inputDim, Materializer materializer) {
        this.dir = dir;
        this.tasks = tasks;
        this.inputDim = inputDim;
        this.materializer = materializer;
    }

    /** Loads (and sha256-checks) the bundle at dir and prepares its materializer. */
    public static LoadedBundle load(Path dir) {
        return load(dir, null);
    }

    /** As {@link #load(Path)}, materializing on {@code device} (null: DJL's default device). */
    public static LoadedBundle load(Path dir, Device device) {
        Bundle bundle = Bundle.load(dir);
        Architecture arch = Architectures.create(bundle.manifest().architecture());
        int n = 1;
        for (int d : arch.inputShape()) {
            n *= d;
        }
        return new LoadedBundle(dir, List.copyOf(bundle.modules().tasks()), n, new Materializer(bundle.modules(), device));
    }

    public Path dir() {
        return dir;
    }

    public List<String> tasks() {
        return tasks;
    }

    /** Floats per input row: prod(inputShape). */
    public int inputDim() {
        return inputDim;
    }

    /** Position of a task in the bundle's order, -1 when the bundle lacks it. */
    public int taskIndex(String task) {
        return tasks.indexOf(task);
    }

    public Materializer materializer() {
        return materializer;
    }

    /**
     * The merge weights in the bundle's task order; a task the bundle lacks is an error naming it, a missing task
     * weighs 0.
     */
    public float[] weights(Map<String, Float> byTask) {
        float[] w = new float[tasks.size()];
        for (Map.Entry<String, Float> e : byTask.entrySet()) {
            int i = tasks.indexOf(e.getKey());
            if (i < 0) {
                throw new IllegalArgumentException("merge weight for unknown task '" + e.getKey() + "' (bundle tasks "
                        + tasks + ")");
            }
            w[i] = e.getValue();
        }
        return w;
    }

    @Override
    public void close() {
        materializer.close();
    }
}
