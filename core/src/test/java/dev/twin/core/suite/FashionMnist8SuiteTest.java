package dev.twin.core.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against the real files of the Debian package dataset-fashion-mnist (installed on the build machine). */
class FashionMnist8SuiteTest {
    // the real files: found, or installed from Debian's dataset-fashion-mnist as the CLI does on a fresh machine
    private static final Path DIR = DataLocator.standard().findOrInstall(System.err).orElseThrow(
            () -> new IllegalStateException("Fashion-MNIST files are missing and cannot be installed here; run: "
                    + DataLocator.installCommand()));

    @Test
    void realFilesHaveTheKnownCountsAndShapes() {
        IdxImages train = IdxReader.readImages(DIR.resolve(DataLocator.TRAIN_IMAGES));
        IdxImages test = IdxReader.readImages(DIR.resolve(DataLocator.TEST_IMAGES));
        int[] trainLabels = IdxReader.readLabels(DIR.resolve(DataLocator.TRAIN_LABELS));
        int[] testLabels = IdxReader.readLabels(DIR.resolve(DataLocator.TEST_LABELS));
        assertEquals(60000, train.count());
        assertEquals(10000, test.count());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        assertEquals(60000, trainLabels.length);
        assertEquals(10000, testLabels.length);
        // labels in 0..9 and every class present: Fashion-MNIST is balanced, 6000 / 1000 per class
        int[] perClass = new int[10];
        for (int y : trainLabels) {
            perClass[y]++;
        }
        int[] perClassTest = new int[10];
        for (int y : testLabels) {
            perClassTest[y]++;
        }
        int[] six = new int[10];
        Arrays.fill(six, 6000);
        int[] one = new int[10];
        Arrays.fill(one, 1000);
        assertArrayEquals(six, perClass);
        assertArrayEquals(one, perClassTest);
    }

    @Test
    void suiteSplitsAreFixedDisjointAndTransformed() {
        FashionMnist8Suite suite = (FashionMnist8Suite) Suites.byName("fashion-mnist-8",
                new DataLocator(List.of(DIR)));
        assertEquals(FashionTask.names(), suite.taskNames());
        long[] train = suite.ids("train");
        long[] val = suite.ids("validation");
        assertEquals(55000, train.length);
        assertEquals(5000, val.length);
        // disjoint and together exactly the 60000 training images
        boolean[] seen = new boolean[60000];
        for (long id : train) {
            seen[(int) id] = true;
        }
        for (long id : val) {
            assertTrue(!seen[(int) id], "image " + id + " in both train and validation");
            seen[(int) id] = true;
        }
        for (boolean s : seen) {
            assertTrue(s);
        }

        TaskData fashion = suite.task("fashion");
        assertEquals(55000, fashion.train().n());
        assertEquals(5000, fashion.validation().n());
        assertEquals(10000, fashion.test().n());
        assertEquals(784, fashion.dim());
        // pixels are byte / 255, in the file's order for the test split
        IdxImages raw = IdxReader.readImages(DIR.resolve(DataLocator.TEST_IMAGES));
        for (int j = 0; j < 784; j++) {
            assertEquals(raw.pixel(3, j) / 255f, fashion.test().x()[3 * 784 + j], 0f);
        }
        float[] first = Arrays.copyOfRange(fashion.test().x(), 0, 784);
        TaskData rot = suite.task("rot90");
        assertArrayEquals(FashionTask.ROT90.apply(first, 28, 0), Arrays.copyOfRange(rot.test().x(), 0, 784));
        assertArrayEquals(fashion.test().y(), rot.test().y());
        TaskData coarse = suite.task("coarse");
        assertEquals(4, coarse.classes());
        for (int i = 0; i < 10000; i++) {
            assertEquals(FashionTask.COARSE.label(fashion.test().y()[i]), coarse.test().y()[i]);
        }
        // noise is seeded per image: test image i has id 60000 + i
        TaskData noise = suite.task("noise");
        assertArrayEquals(FashionTask.NOISE.apply(first, 28, 60000), Arrays.copyOfRange(noise.test().x(), 0, 784));
        assertEquals(60000L, suite.ids("test")[0]);
        // the split is fixed: a second load draws the same validation images
        FashionMnist8Suite again = FashionMnist8Suite.load(DIR);
        assertArrayEquals(val, again.ids("validation"));
    }
}
