package dev.twin.core.merge;

import static dev.twin.core.merge.Sets.row;
import static dev.twin.core.merge.Sets.ws;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.twin.core.tensor.WeightSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TiesTest {

    /*
     * base a = [1,1,1,1], b = [1,1]; all values binary-exact.
     * τ1: a = [4, −1, 0.5, 2],   b = [0.125, −0.25]
     * τ2: a = [−3, 2, 1, −0.5],  b = [0.375, 0.5]
     */
    private final WeightSet base = ws("a", row(1, 1, 1, 1), "b", row(1, 1));
    private final List<WeightSet> experts = List.of(
            ws("a", row(5, 0, 1.5f, 3), "b", row(1.125f, 0.75f)),
            ws("a", row(-2, 3, 2, 0.5f), "b", row(1.375f, 1.5f)));

    @Test
    void tensorScopeTrimsEachTensor() {
        MergeOptions o = MergeOptions.defaults().withDensity(0.5).withLambda(0.5);
        WeightSet out = new Ties().merge(base, experts, o);
        // a: k = 2. τ̂1 = [4,0,0,2], τ̂2 = [−3,2,0,0]; Σ = [1,2,0,2] → γ = [+,+,0,+]; Σγ(a) = 3 → γ[2] = +
        //    means: [4 (τ2 disagrees), 2, none → 0, 2] → 1 + 0.5·[4,2,0,2] = [3,2,1,2]
        assertArrayEquals(new float[] {3, 2, 1, 2}, out.get("a").data(), 0f);
        // b: k = 1. τ̂1 = [0,−0.25], τ̂2 = [0,0.5]; Σ = [0,0.25] → γ = [0,+]; Σγ(b) = 1 → γ[0] = +
        //    means: [none → 0, 0.5] → 1 + 0.5·[0,0.5] = [1,1.25]
        assertArrayEquals(new float[] {1, 1.25f}, out.get("b").data(), 0f);
    }

    @Test
    void globalScopeTrimsOverTheWholeTaskVector() {
        MergeOptions o = MergeOptions.defaults().withDensity(0.5).withLambda(0.5).withTrimScope(TrimScope.GLOBAL);
        WeightSet out = new Ties().merge(base, experts, o);
        // N = 6, k = 3. τ̂1 = [4,−1,0,2 | 0,0], τ̂2 = [−3,2,1,0 | 0,0]
        // Σ a = [1,1,1,2] → γ = +; Σ b = [0,0] → γ = 0 → sign(Σγ over the model = 4) = +, but no τ̂ is non-zero there
        // means a = [4, 2, 1, 2], b = [0, 0] → a = 1 + 0.5·[4,2,1,2], b = [1,1]
        assertArrayEquals(new float[] {3, 2, 1.5f, 2}, out.get("a").data(), 0f);
        assertArrayEquals(new float[] {1, 1}, out.get("b").data(), 0f);
    }

    @Test
    void zeroElectedSignTakesMajorityOfItsScope() {
        // density 1: no trimming. a: Σ = [−2, −4, 0] → γ = [−,−,0]; b: Σ = [2,2,2,2] → γ = +
        WeightSet zero = ws("a", row(0, 0, 0), "b", row(0, 0, 0, 0));
        List<WeightSet> ex = List.of(
                ws("a", row(-1, -2, 3), "b", row(1, 1, 1, 1)),
                ws("a", row(-1, -2, -3), "b", row(1, 1, 1, 1)));
        MergeOptions o = MergeOptions.defaults().withDensity(1.0);

        // tensor scope: Σγ(a) = −2 → γ[2] = − → mean of {−3} ; a = [−1, −2, −3]
        WeightSet perTensor = new Ties().merge(zero, ex, o);
        assertArrayEquals(new float[] {-1, -2, -3}, perTensor.get("a").data(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, perTensor.get("b").data(), 0f);

        // global scope: Σγ = −2 + 4 = 2 → γ[2] = + → mean of {3}; a = [−1, −2, 3]
        WeightSet global = new Ties().merge(zero, ex, o.withTrimScope(TrimScope.GLOBAL));
        assertArrayEquals(new float[] {-1, -2, 3}, global.get("a").data(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, global.get("b").data(), 0f);
    }

    @Test
    void zeroElectedSignWithBalancedScopeIsPositive() {
        WeightSet zero = ws("a", row(0, 0, 0));
        // Σ = [2, −2, 0] → γ = [+, −, 0]; Σγ = 0 → γ[2] = + → mean of {2}
        List<WeightSet> ex = List.of(ws("a", row(1, -1, 2)), ws("a", row(1, -1, -2)));
        WeightSet out = new Ties().merge(zero, ex, MergeOptions.defaults().withDensity(1.0));
        assertArrayEquals(new float[] {1, -1, 2}, out.get("a").data(), 0f);

        // Σ = [0, 0] everywhere → Σγ = 0 → + → means of the positive entries {2}, {5}
        List<WeightSet> ex2 = List.of(ws("a", row(2, -5)), ws("a", row(-2, 5)));
        WeightSet out2 = new Ties().merge(ws("a", row(0, 0)), ex2, MergeOptions.defaults().withDensity(1.0));
        assertArrayEquals(new float[] {2, 5}, out2.get("a").data(), 0f);
    }

    @Test
    void magnitudesTiedAtTheThresholdKeepLowerIndicesFirst() {
        // one expert: the result is its trimmed task vector. |τ| = [1,3,3,3,2], k = floor(0.4·5) = 2:
        // the threshold 3 is shared by flat indices 1,2,3 → keep 1 and 2
        WeightSet out = new Ties().merge(ws("a", row(0, 0, 0, 0, 0)), List.of(ws("a", row(1, -3, 3, 3, -2))),
                MergeOptions.defaults().withDensity(0.4));
        assertArrayEquals(new float[] {0, -3, 3, 0, 0}, out.get("a").data(), 0f);
    }

    @Test
    void globalTieBreakRunsInWeightSetOrder() {
        // a = [2, 1], b = [−2, 2] flattened: |.| = [2,1,2,2], k = floor(0.5·4) = 2 → flat 0 and 2 (a[0], b[0])
        WeightSet zero = ws("a", row(0, 0), "b", row(0, 0));
        WeightSet e = ws("a", row(2, 1), "b", row(-2, 2));
        MergeOptions o = MergeOptions.defaults().withDensity(0.5).withTrimScope(TrimScope.GLOBAL);
        WeightSet out = new Ties().merge(zero, List.of(e), o);
        assertArrayEquals(new float[] {2, 0}, out.get("a").data(), 0f);
        assertArrayEquals(new float[] {-2, 0}, out.get("b").data(), 0f);
    }

    @Test
    void keepsAtLeastOneEntry() {
        // floor(0.1·4) = 0 → max(1, 0) = 1: the largest |.| survives
        WeightSet out = new Ties().merge(ws("a", row(0, 0, 0, 0)), List.of(ws("a", row(1, -4, 2, 3))),
                MergeOptions.defaults().withDensity(0.1));
        assertArrayEquals(new float[] {0, -4, 0, 0}, out.get("a").data(), 0f);
    }

    @Test
    void defaultDensityIsTwentyPercent() {
        // 10 entries, default density 0.2 → k = 2: the two largest |.| (9 at index 9, −8 at index 0)
        WeightSet out = new Ties().merge(ws("a", row(new float[10])),
                List.of(ws("a", row(-8, 1, 2, 3, 4, 5, 6, 7, 0, 9))), MergeOptions.defaults());
        assertArrayEquals(new float[] {-8, 0, 0, 0, 0, 0, 0, 0, 0, 9}, out.get("a").data(), 0f);
    }
}
