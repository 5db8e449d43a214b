package dev.twin.core.suite.text;

/**
 * A raw text as a source yields it, with its class name and where it came from (for error messages); the splitter
 * normalizes it and turns the name into an index.
 */
public record LabelledText(String text, String label, String origin) {
    public LabelledText {
        if (text == null || label == null || label.isEmpty()) {
            throw new IllegalArgumentException("labelled text from " + origin + " needs a text and a label");
        }
    }
}
