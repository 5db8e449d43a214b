package dev.twin.core.merge;

import static dev.twin.core.merge.Sets.row;
import static dev.twin.core.merge.Sets.ws;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.twin.core.tensor.WeightSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskArithmeticTest {
    // τ1 = [1, −1, 0, 2], τ2 = [0, 2, −1, 0], Σ τ = [1, 1, −1, 2]
    private final WeightSet base = ws("w", row(1, 1, 1, 1));
    private final List<WeightSet> experts = List.of(ws("w", row(2, 0, 1, 3)), ws("w", row(1, 3, 0, 1)));

    @Test
    void lambdaOneAddsTheSumOfTaskVectors() {
        WeightSet out = new TaskArithmetic().merge(base, experts, MergeOptions.defaults());
        // 1 + [1, 1, −1, 2]
        assertArrayEquals(new float[] {2, 2, 0, 3}, out.get("w").data(), 0f);
    }

    @Test
    void lambdaScalesTheSum() {
        WeightSet out = new TaskArithmetic().merge(base, experts, MergeOptions.defaults().withLambda(0.5));
        // 1 + 0.5·[1, 1, −1, 2]
        assertArrayEquals(new float[] {1.5f, 1.5f, 0.5f, 2}, out.get("w").data(), 0f);
    }

    @Test
    void baseIsNotModified() {
        new TaskArithmetic().merge(base, experts, MergeOptions.defaults());
        assertArrayEquals(new float[] {1, 1, 1, 1}, base.get("w").data(), 0f);
    }
}
