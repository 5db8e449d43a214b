package dev.twin.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import org.junit.jupiter.api.Test;

class HeadFitTest {
    /**
     * Three classes, each a point on its own axis (feature k = 1 for class k): the fitted head must put every row in
     * its class, and by the symmetry of the data W is c·I + b·J with equal biases (all entries of one kind agree, up to float32 rounding).
     */
    @Test
    void axisAlignedClassesAreFittedSymmetrically() {
        int d = 3;
        int[] labels = {0, 1, 2, 0, 1, 2};
        float[] f = new float[labels.length * d];
        for (int i = 0; i < labels.length; i++) {
            f[i * d + labels[i]] = 1;
        }
        WeightSet head = HeadFit.fit("t", f, labels, d, 3, 0.05, 200);
        FloatTensor w = head.get("head.t.weight");
        FloatTensor b = head.get("head.t.bias");
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < d; k++) {
                float want = c == k ? w.data()[0] : w.data()[1];
                assertEquals(want, w.data()[c * d + k], 1e-4, "W[" + c + "," + k + "]");
            }
            assertEquals(b.data()[0], b.data()[c], 1e-4);
        }
        assertTrue(w.data()[0] > w.data()[1] + 1, "the diagonal wins by a margin: " + w.data()[0] + " vs "
                + w.data()[1]);
    }

    @Test
    void badShapesAndLabelsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HeadFit.fit("t", new float[5], new int[] {0, 1}, 3, 2, 0.1, 1)).getMessage()
                .contains("[2, 3] features, got 5"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HeadFit.fit("t", new float[2], new int[] {0, 2}, 1, 2, 0.1, 1)).getMessage()
                .contains("label 2 of row 1"));
    }
}
