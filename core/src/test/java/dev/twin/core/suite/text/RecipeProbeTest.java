package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.bert.MiniLm;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.AdamWConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeProbeTest {
    static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    @TempDir
    Path tmp;

    @Test
    void headAccuracyIsTheArgMaxOfTheAffineScores() {
        WeightSet head = new WeightSet();
        // class 0 scores 2·f0, class 1 scores f1 + 0.5
        head.put("head.t.weight", FloatTensor.of(new int[] {2, 2}, 2, 0, 0, 1));
        head.put("head.t.bias", FloatTensor.of(new int[] {2}, 0, 0.5f));
        float[] f = {1, 0, /* 2 vs 0.5: class 0 */ 0, 0, /* 0 vs 0.5: class 1 */ 0.2f, 0, /* 0.4 vs 0.5: 1 */
            1, 3 /* 2 vs 3.5: class 1 */};
        // predictions 0, 1, 1, 1 against labels 0, 1, 0, 0: two right
        assertEquals(0.5, RecipeProbe.headAccuracy(head, "t", f, new int[] {0, 1, 0, 0}, 2), 1e-12);
    }

    /** The real encoder on a small task: one score per epoch, step count from the items and batch, sane times. */
    @Test
    void probesAFullFineTuneOnValidationOnly() {
        List<TextItem> train = List.of(new TextItem("a cat sat on the mat", 0), new TextItem("dogs bark loudly", 0),
                new TextItem("the stock market fell", 1), new TextItem("interest rates rose", 1),
                new TextItem("a kitten purrs", 0));
        TextTaskData pets = new TextTaskData("pets", List.of("animal", "money"), train,
                List.of(new TextItem("a puppy plays", 0), new TextItem("bonds lost value", 1)),
                List.of(new TextItem("never read by the probe", 0)));
        Text6Suite suite = Text6Suite.of(Text6Suite.Experts.FULL, List.of(pets), MiniLm.dir(), MiniLm.tokenizerJson(),
                8, 5, 1, "probe-test", QUIET);
        AdamWConfig tune = new AdamWConfig(1e-4, 0.01, 3, 2, 0, 1);
        TextRecipe recipe = suite.textRecipe().withTune(Text6Suite.Experts.FULL, tune);

        RecipeProbe.Result r = RecipeProbe.run(suite, recipe, "pets", 2, tmp, false, QUIET);

        assertEquals(4, r.steps(), "2 batches of at most 3 items, 2 epochs");
        assertEquals(2, r.epochAccuracy().length);
        assertEquals(2, r.epochLoss().length);
        assertEquals(5, r.trainItems());
        assertEquals(2, r.validationItems());
        for (double a : new double[] {r.linearProbe(), r.pretrainedExpertHead(), r.expertAccuracy()}) {
            assertTrue(a == 0 || a == 0.5 || a == 1, "an accuracy over 2 items: " + a);
        }
        assertTrue(r.secondsPerStep() > 0 && r.cpuSecondsPerStep() > 0 && r.trainSeconds() > 0, r.toString());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RecipeProbe.run(suite, recipe, "nope", 2, tmp, false, QUIET)).getMessage()
                .contains("no task 'nope'"));
    }

    /** Task probe over two tasks: one fit and one scored input each (a third validation input is left out). */
    @Test
    void separabilityCountsEveryScoredInputOnce() {
        TextTaskData pets = new TextTaskData("pets", List.of("a", "b"), List.of(new TextItem("a cat", 0)),
                List.of(new TextItem("a puppy plays", 0), new TextItem("kittens sleep", 1)),
                List.of(new TextItem("a dog", 0)));
        TextTaskData money = new TextTaskData("money", List.of("a", "b"), List.of(new TextItem("cash", 0)),
                List.of(new TextItem("bonds lost value", 0), new TextItem("rates rose", 1),
                        new TextItem("stocks fell", 0)),
                List.of(new TextItem("a loan", 1)));
        Text6Suite suite = Text6Suite.of(Text6Suite.Experts.FULL, List.of(pets, money), MiniLm.dir(),
                MiniLm.tokenizerJson(), 8, 5, 1, "probe-test", QUIET);

        RecipeProbe.Separability s = RecipeProbe.separability(suite, 1, QUIET);

        assertEquals(List.of("pets", "money"), s.tasks());
        assertArrayEquals(new int[] {1, 1}, s.fitItems());
        assertArrayEquals(new int[] {1, 1}, s.heldOut());
        for (int t = 0; t < 2; t++) {
            assertEquals(1, s.confusion()[t][0] + s.confusion()[t][1]);
            assertEquals(s.confusion()[t][t], s.recall()[t], 1e-12);
        }
        assertEquals((s.confusion()[0][0] + s.confusion()[1][1]) / 2.0, s.accuracy(), 1e-12);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RecipeProbe.separability(suite, 0, QUIET))
                .getMessage().contains(">= 1"));
    }
}
