package dev.twin.core.suite.text;

/** One example of a text task: a normalized text and the index of its class in the task's class list. */
public record TextItem(String text, int label) {
    public TextItem {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text item needs a non-blank text (label " + label + ")");
        }
        if (label < 0) {
            throw new IllegalArgumentException("text item '" + text + "' has negative label " + label);
        }
    }
}
