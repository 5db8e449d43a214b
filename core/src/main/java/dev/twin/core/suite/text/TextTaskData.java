package dev.twin.core.suite.text;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One text task: its name (also its head's name), its class names (label i is classes.get(i)) and three disjoint
 * splits. The constructor checks labels are in range and that no text is in two splits.
 */
public record TextTaskData(String name, List<String> classes, List<TextItem> train, List<TextItem> validation,
        List<TextItem> test) {

    public TextTaskData {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("text task name must be non-empty and without '.', got '" + name + "'");
        }
        classes = List.copyOf(classes);
        if (classes.size() < 2) {
            throw new IllegalArgumentException("text task '" + name + "' needs at least 2 classes, got " + classes);
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new IllegalArgumentException("text task '" + name + "' has repeated class names: " + classes);
        }
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
        Set<String> seen = new HashSet<>();
        check(name, "train", train, classes.size(), seen);
        check(name, "validation", validation, classes.size(), seen);
        check(name, "test", test, classes.size(), seen);
    }

    private static void check(String task, String split, List<TextItem> items, int classes, Set<String> seen) {
        for (int i = 0; i < items.size(); i++) {
            TextItem it = items.get(i);
            if (it.label() >= classes) {
                throw new IllegalArgumentException("text task '" + task + "', " + split + " item " + i + ": label "
                        + it.label() + " is outside 0.." + (classes - 1));
            }
            if (!seen.add(it.text())) {
                throw new IllegalArgumentException("text task '" + task + "', " + split + " item " + i
                        + " repeats a text already in this or an earlier split: '" + it.text() + "'");
            }
        }
    }

    /** Number of classes (the head's output size). */
    public int classCount() {
        return classes.size();
    }

    /** How many items of each class a split holds (index = label). */
    public static int[] classCounts(List<TextItem> items, int classes) {
        int[] counts = new int[classes];
        for (TextItem it : items) {
            counts[it.label()]++;
        }
        return counts;
    }

    /** "name: class=train/validation/test, ..." for logs and reports. */
    public String summary() {
        int[] tr = classCounts(train, classes.size());
        int[] va = classCounts(validation, classes.size());
        int[] te = classCounts(test, classes.size());
        StringBuilder sb = new StringBuilder(name).append(" (").append(train.size()).append('/')
                .append(validation.size()).append('/').append(test.size()).append("):");
        for (int c = 0; c < classes.size(); c++) {
            sb.append(c == 0 ? " " : ", ").append(classes.get(c)).append('=').append(tr[c]).append('/')
                    .append(va[c]).append('/').append(te[c]);
        }
        return sb.toString();
    }
}
