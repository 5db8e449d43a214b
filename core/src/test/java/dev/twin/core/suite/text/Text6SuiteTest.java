package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.bert.MiniLm;
import dev.twin.core.model.Architectures;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wiring of the text-6 suite over hand-made texts: cuts, the [ids | mask] row layout, labels, names. */
class Text6SuiteTest {
    static final int L = 8;
    static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    static Text6Suite suite;
    static TextTaskData greet;

    @BeforeAll
    static void build() {
        greet = new TextTaskData("greet", List.of("hello", "other"),
                List.of(new TextItem("hello world", 0), new TextItem("world", 1), new TextItem("hello hello", 0)),
                List.of(new TextItem("hello", 0)),
                List.of(new TextItem("world hello", 1),
                        new TextItem("hello world hello world hello world hello world", 0)));
        TextTaskData two = new TextTaskData("two", List.of("a", "b", "c"),
                List.of(new TextItem("world world", 2)), List.of(new TextItem("hello there", 1)),
                List.of(new TextItem("world", 0)));
        Path dir = MiniLm.dir();
        suite = Text6Suite.of(Text6Suite.Experts.FULL, List.of(greet, two), dir, MiniLm.tokenizerJson(), L, 2, 5,
                "corpora-v9", QUIET);
    }

    @Test
    void splitsAreCutAndLabelsFollowTheTexts() {
        assertEquals(List.of("greet", "two"), suite.taskNames());
        TaskData g = suite.task("greet");
        assertEquals(2, g.classes());
        assertEquals(2, g.train().n(), "train cut to 2 items");
        assertArrayEquals(new int[] {0, 1}, g.train().y());
        assertEquals(1, g.validation().n());
        assertEquals(2, g.test().n(), "test has fewer items than the cut of 5");
        assertArrayEquals(new int[] {1, 0}, g.test().y());
        assertEquals(3, suite.task("two").classes());
        assertArrayEquals(new int[] {2}, suite.task("two").train().y());
        assertEquals(greet.train().subList(0, 2), suite.texts().get(0).train());
    }

    @Test
    void rowsAreTokenIdsThenMask() {
        // bert-base-uncased vocabulary (MiniLM's): [CLS] 101, [SEP] 102, [PAD] 0, "hello" 7592, "world" 2088
        Split train = suite.task("greet").train();
        assertEquals(2 * L, train.dim());
        float[] row0 = Arrays.copyOfRange(train.x(), 0, 2 * L);
        assertArrayEquals(new float[] {101, 7592, 2088, 102, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}, row0);
        float[] row1 = Arrays.copyOfRange(train.x(), 2 * L, 4 * L);
        assertArrayEquals(new float[] {101, 2088, 102, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0}, row1);
        // a text longer than L keeps [CLS], L − 2 tokens and [SEP], all unmasked
        float[] cut = Arrays.copyOfRange(suite.task("greet").test().x(), 2 * L, 4 * L);
        assertArrayEquals(new float[] {101, 7592, 2088, 7592, 2088, 7592, 2088, 102, 1, 1, 1, 1, 1, 1, 1, 1}, cut);
    }

    @Test
    void architectureVersionAndNames() {
        assertArrayEquals(new int[] {2, L}, Architectures.create(suite.architecture()).inputShape());
        assertEquals(384, Architectures.create(suite.architecture()).featureDim());
        assertEquals("text-6", suite.name());
        assertTrue(suite.dataVersion().contains("corpora-v9") && suite.dataVersion().contains("L=" + L),
                suite.dataVersion());
        assertTrue(suite.trainingVersion().startsWith("FULL"), suite.trainingVersion());
        assertTrue(Suites.NAMES.containsAll(List.of(Text6Suite.NAME, Text6Suite.LORA_NAME)));
        assertEquals("text-6-lora", Text6Suite.Experts.LORA.suiteName());
        assertTrue(assertThrows(UnsupportedOperationException.class, suite::recipe).getMessage()
                .contains("textRecipe"));
    }
}
