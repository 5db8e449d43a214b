package dev.twin.core.merge;

import static dev.twin.core.merge.Sets.row;
import static dev.twin.core.merge.Sets.ws;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AverageTest {

    @Test
    void averagesExpertsIgnoringBaseValues() {
        WeightSet base = ws("w", row(10, 10, 10, 10), "b", FloatTensor.of(new int[] {2}, 7, 7));
        WeightSet e1 = ws("w", row(1, 2, 3, 4), "b", FloatTensor.of(new int[] {2}, 1, 1));
        WeightSet e2 = ws("w", row(3, 2, 1, 0), "b", FloatTensor.of(new int[] {2}, 3, -1));
        WeightSet e3 = ws("w", row(2, 5, -1, 4), "b", FloatTensor.of(new int[] {2}, 2, 3));

        WeightSet out = new Average().merge(base, List.of(e1, e2, e3), MergeOptions.defaults().withLambda(0.3));

        // w: (1+3+2)/3 = 2, (2+2+5)/3 = 3, (3+1−1)/3 = 1, (4+0+4)/3 = 8/3 ; λ plays no part
        assertArrayEquals(new float[] {2, 3, 1, 8f / 3}, out.get("w").data(), 1e-6f);
        // b: (1+3+2)/3 = 2, (1−1+3)/3 = 1
        assertArrayEquals(new float[] {2, 1}, out.get("b").data(), 1e-6f);
        assertArrayEquals(new int[] {1, 4}, out.get("w").shape());
        assertEquals(List.of("w", "b"), List.copyOf(out.names()));
    }

    @Test
    void nameIsAverage() {
        assertEquals("average", new Average().name());
    }
}
