package dev.twin.core.suite.text;

import dev.twin.core.suite.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns a source's labelled texts into a task's fixed splits: normalize, de-duplicate (so no text is in two splits),
 * shuffle with a seed derived from the task name, and cut at most train/validation/test items.
 */
public final class TextSplitter {
    private final int maxChars;
    private final int maxTrain;
    private final int maxValidation;
    private final int maxTest;

    /** Caps on text length and split sizes. */
    public TextSplitter(int maxChars, int maxTrain, int maxValidation, int maxTest) {
        if (maxChars < 1 || maxTrain < 1 || maxValidation < 1 || maxTest < 1) {
            throw new IllegalArgumentException("text splitter caps must be >= 1, got chars " + maxChars + ", train "
                    + maxTrain + ", validation " + maxValidation + ", test " + maxTest);
        }
        this.maxChars = maxChars;
        this.maxTrain = maxTrain;
        this.maxValidation = maxValidation;
        this.maxTest = maxTest;
    }

    /**
     * The task's splits. classes lists the class names in label order and must cover every label in texts. A text
     * that occurs with two different labels is ambiguous and dropped; repeats with one label are kept once. When the
     * pool is smaller than the caps' sum, validation and test get a sixth of it each (the caps' 4:1:1 ratio).
     */
    public TextTaskData split(String task, List<String> classes, List<LabelledText> texts, long seed) {
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        Map<String, Integer> labelOf = new LinkedHashMap<>(); // first-seen order keeps the pool deterministic
        Set<String> ambiguous = new HashSet<>();
        for (LabelledText t : texts) {
            Integer label = classIndex.get(t.label());
            if (label == null) {
                throw new IllegalArgumentException("task '" + task + "': text from " + t.origin() + " has label '"
                        + t.label() + "', not among the classes " + classes);
            }
            String text = TextCleaner.normalize(t.text(), maxChars);
            if (text.isEmpty()) {
                continue;
            }
            Integer prev = labelOf.putIfAbsent(text, label);
            if (prev != null && !prev.equals(label)) {
                ambiguous.add(text);
            }
        }
        List<TextItem> pool = new ArrayList<>(labelOf.size());
        labelOf.forEach((text, label) -> {
            if (!ambiguous.contains(text)) {
                pool.add(new TextItem(text, label));
            }
        });
        shuffle(pool, new SplittableRandom(Seeds.forTask(seed, task)));
        int n = pool.size();
        int validation = Math.min(maxValidation, n / 6);
        int test = Math.min(maxTest, n / 6);
        if (n >= maxTrain + maxValidation + maxTest) {
            validation = maxValidation;
            test = maxTest;
        }
        int train = Math.min(maxTrain, n - validation - test);
        if (train < 1 || validation < 1 || test < 1) {
            throw new IllegalArgumentException("task '" + task + "' has only " + n + " distinct texts (" + texts.size()
                    + " before de-duplication): too few for train/validation/test splits");
        }
        // validation and test come first so that they stay the same whatever the train cap
        List<TextItem> val = pool.subList(0, validation);
        List<TextItem> tst = pool.subList(validation, validation + test);
        List<TextItem> trn = pool.subList(validation + test, validation + test + train);
        return new TextTaskData(task, classes, trn, val, tst);
    }

    /** Fisher–Yates: for i from n-1 down to 1, swap i with a uniform j in [0, i]. */
    private static void shuffle(List<TextItem> items, SplittableRandom rnd) {
        for (int i = items.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            TextItem tmp = items.get(i);
            items.set(i, items.get(j));
            items.set(j, tmp);
        }
    }
}
