package dev.twin.core.suite;

/** One task of a suite: its name (also its head's name), number of classes and three disjoint splits. */
public record TaskData(String name, int classes, Split train, Split validation, Split test) {

    public TaskData {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("task name must be non-empty and without '.', got '" + name + "'");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("task '" + name + "' needs at least 2 classes, got " + classes);
        }
        int dim = train.dim();
        if (validation.dim() != dim || test.dim() != dim) {
            throw new IllegalArgumentException("task '" + name + "': splits disagree on the input size (train "
                    + dim + ", validation " + validation.dim() + ", test " + test.dim() + ")");
        }
    }

    /** Input floats per example. */
    public int dim() {
        return train.dim();
    }
}
