package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextSplitterTest {
    private static final List<String> CLASSES = List.of("even", "odd");

    /** n distinct texts "item i" labelled by parity. */
    private static List<LabelledText> items(int n) {
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LabelledText("item " + i, i % 2 == 0 ? "even" : "odd", "test"));
        }
        return out;
    }

    private static List<TextItem> all(TextTaskData t) {
        List<TextItem> out = new ArrayList<>(t.train());
        out.addAll(t.validation());
        out.addAll(t.test());
        return out;
    }

    @Test
    void capsSizesKeepsSplitsDisjointAndLabelsRight() {
        TextTaskData t = new TextSplitter(400, 50, 10, 12).split("parity", CLASSES, items(200), 7);
        assertEquals(50, t.train().size());
        assertEquals(10, t.validation().size());
        assertEquals(12, t.test().size());
        Set<String> texts = new HashSet<>();
        for (TextItem it : all(t)) {
            assertTrue(texts.add(it.text()), "text in two splits: " + it.text());
            int i = Integer.parseInt(it.text().substring("item ".length()));
            assertTrue(i >= 0 && i < 200);
            assertEquals(i % 2, it.label(), it.text());
        }
    }

    @Test
    void sameSeedSameSplitsOtherSeedOtherSplits() {
        TextSplitter s = new TextSplitter(400, 50, 10, 10);
        TextTaskData a = s.split("parity", CLASSES, items(200), 7);
        TextTaskData b = s.split("parity", CLASSES, items(200), 7);
        assertEquals(a, b);
        assertNotEquals(a.test(), s.split("parity", CLASSES, items(200), 8).test());
        assertNotEquals(a.test(), s.split("other-task", CLASSES, items(200), 7).test());
        // validation and test do not depend on the train cap
        TextTaskData small = new TextSplitter(400, 5, 10, 10).split("parity", CLASSES, items(200), 7);
        assertEquals(a.validation(), small.validation());
        assertEquals(a.test(), small.test());
        assertEquals(a.train().subList(0, 5), small.train());
    }

    @Test
    void smallPoolsGetASixthForValidationAndTest() {
        TextTaskData t = new TextSplitter(400, 4000, 1000, 1000).split("parity", CLASSES, items(20), 1);
        assertEquals(3, t.validation().size()); // floor(20 / 6)
        assertEquals(3, t.test().size());
        assertEquals(14, t.train().size());
        Set<String> texts = new HashSet<>();
        all(t).forEach(it -> texts.add(it.text()));
        assertEquals(20, texts.size());
        assertThrows(IllegalArgumentException.class,
                () -> new TextSplitter(400, 4000, 1000, 1000).split("parity", CLASSES, items(5), 1));
    }

    @Test
    void duplicatesKeptOnceAmbiguousTextsDropped() {
        List<LabelledText> texts = new ArrayList<>(items(12));
        texts.add(new LabelledText("item  0\n", "even", "dup")); // same text once normalized, same label
        texts.add(new LabelledText("item 3", "even", "clash")); // "item 3" is also odd: ambiguous
        texts.add(new LabelledText("   ", "odd", "blank"));
        TextTaskData t = new TextSplitter(400, 4000, 1000, 1000).split("parity", CLASSES, texts, 3);
        Map<String, Integer> got = new HashMap<>();
        all(t).forEach(it -> got.put(it.text(), it.label()));
        Map<String, Integer> want = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            if (i != 3) {
                want.put("item " + i, i % 2);
            }
        }
        assertEquals(want, got);
        assertEquals(11, all(t).size());
    }

    @Test
    void truncatesLongTexts() {
        List<LabelledText> texts = new ArrayList<>(items(11));
        texts.add(new LabelledText("x".repeat(500), "odd", "long"));
        TextTaskData t = new TextSplitter(400, 4000, 1000, 1000).split("parity", CLASSES, texts, 3);
        assertTrue(all(t).contains(new TextItem("x".repeat(400), 1)));
    }

    @Test
    void unknownLabelsAndOverlappingSplitsAreErrors() {
        List<LabelledText> texts = List.of(new LabelledText("a", "maybe", "file.txt"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TextSplitter(400, 10, 10, 10).split("parity", CLASSES, texts, 0));
        assertTrue(e.getMessage().contains("'maybe'") && e.getMessage().contains("file.txt"), e.getMessage());
        TextItem a = new TextItem("a", 0);
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                () -> new TextTaskData("t", CLASSES, List.of(a), List.of(new TextItem("b", 1)), List.of(a)));
        assertTrue(o.getMessage().contains("test") && o.getMessage().contains("'a'"), o.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TextTaskData("t", CLASSES, List.of(new TextItem("a", 2)), List.of(), List.of()));
        assertEquals("t (1/1/0): even=1/0/0, odd=0/1/0", new TextTaskData("t", CLASSES, List.of(a),
                List.of(new TextItem("b", 1)), List.of()).summary());
    }
}
