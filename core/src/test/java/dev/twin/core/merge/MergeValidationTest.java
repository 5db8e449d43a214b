package dev.twin.core.merge;

import static dev.twin.core.merge.Sets.row;
import static dev.twin.core.merge.Sets.ws;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MergeValidationTest {

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void excludedTensorsAreCopiedFromBaseByEveryMethod() {
        WeightSet base = ws("head.weight", row(9, 9), "body.weight", row(0, 0));
        // heads may differ in shape between tasks: they are never merged
        List<WeightSet> ex = List.of(ws("head.weight", row(1, 2, 3), "body.weight", row(2, 4)),
                ws("head.weight", row(5), "body.weight", row(4, 8)));
        MergeOptions o = MergeOptions.defaults().withDensity(1.0).withExcludeRegexes(List.of("head\\..*"));
        for (String name : MergeMethods.names()) {
            WeightSet out = MergeMethods.byName(name).merge(base, ex, o);
            assertArrayEquals(new float[] {9, 9}, out.get("head.weight").data(), 0f, name);
            assertNotSame(base.get("head.weight"), out.get("head.weight"), name);
            assertEquals(List.of("head.weight", "body.weight"), List.copyOf(out.names()), name);
        }
        // body merged: average [3, 6]; task arithmetic 0 + [2,4] + [4,8] = [6, 12]
        assertArrayEquals(new float[] {3, 6}, new Average().merge(base, ex, o).get("body.weight").data(), 0f);
        assertArrayEquals(new float[] {6, 12}, new TaskArithmetic().merge(base, ex, o).get("body.weight").data(), 0f);
    }

    @Test
    void excludeIsAFullMatch() {
        WeightSet base = ws("head.weight", row(0, 0));
        List<WeightSet> ex = List.of(ws("head.weight", row(2, 4)));
        // "head" matches only part of the name: the tensor is merged
        MergeOptions o = MergeOptions.defaults().withExclude(List.of(Pattern.compile("head")));
        assertArrayEquals(new float[] {2, 4}, new TaskArithmetic().merge(base, ex, o).get("head.weight").data(), 0f);
    }

    @Test
    void mismatchedInputsNameExpertAndTensor() {
        WeightSet base = ws("a", row(0, 0), "b", row(0, 0, 0));
        MergeMethod m = new TaskArithmetic();
        MergeOptions o = MergeOptions.defaults();
        WeightSet good = ws("a", row(1, 1), "b", row(1, 1, 1));

        var missing = assertThrows(IllegalArgumentException.class,
                () -> m.merge(base, List.of(good, ws("a", row(1, 1))), o));
        assertMessage(missing, "expert[1]", "'b'");

        var shape = assertThrows(IllegalArgumentException.class,
                () -> m.merge(base, List.of(ws("a", row(1, 1), "b", row(1, 1))), o));
        assertMessage(shape, "expert[0]", "'b'", "[1, 2]", "[1, 3]");

        var extra = assertThrows(IllegalArgumentException.class,
                () -> m.merge(base, List.of(ws("a", row(1, 1), "b", row(1, 1, 1), "c", row(1))), o));
        assertMessage(extra, "expert[0]", "'c'");

        var nan = assertThrows(IllegalArgumentException.class,
                () -> m.merge(base, List.of(good, ws("a", row(1, Float.NaN), "b", row(1, 1, 1))), o));
        assertMessage(nan, "expert[1]", "'a'", "NaN", "index 1");

        var none = assertThrows(IllegalArgumentException.class, () -> m.merge(base, List.of(), o));
        assertMessage(none, "at least one");
    }

    @Test
    void taskVectorOfOneExpert() {
        WeightSet tau = TaskVectors.of(ws("a", row(1, 2), "b", FloatTensor.of(new int[] {1}, 5)),
                ws("a", row(4, 0), "b", FloatTensor.of(new int[] {1}, 5.5f)));
        assertArrayEquals(new float[] {3, -2}, tau.get("a").data(), 0f);
        assertArrayEquals(new float[] {0.5f}, tau.get("b").data(), 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> TaskVectors.of(ws("a", row(1)), ws("z", row(1))));
        assertMessage(e, "'a'");
    }

    @Test
    void optionsAreValidated() {
        MergeOptions d = MergeOptions.defaults();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withDensity(0.0)), "density", "(0, 1]", "0.0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withDensity(1.5)), "density", "1.5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withDensity(Double.NaN)), "density", "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withLambda(Double.NaN)), "lambda", "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withLambda(Double.POSITIVE_INFINITY)),
                "lambda", "Infinity");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withTrimScope(null)), "trim scope");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> d.withExcludeRegexes(List.of("head["))),
                "head[");
    }

    @Test
    void defaultsAreAsDocumented() {
        MergeOptions d = MergeOptions.defaults();
        assertEquals(1.0, d.lambda());
        assertEquals(null, d.density());
        assertEquals(TrimScope.TENSOR, d.trimScope());
        assertEquals(0L, d.seed());
        assertEquals(List.of(), d.exclude());
        assertEquals(0.2, d.densityOr(Ties.DEFAULT_DENSITY));
        assertEquals(0.5, d.densityOr(Dare.DEFAULT_DENSITY));
        assertEquals(0.3, d.withDensity(0.3).densityOr(0.5));
    }

    @Test
    void trimScopeParses() {
        assertEquals(TrimScope.TENSOR, TrimScope.parse("tensor"));
        assertEquals(TrimScope.GLOBAL, TrimScope.parse("Global"));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TrimScope.parse("layer")),
                "'layer'", "tensor", "global");
    }

    @Test
    void registryKnowsTheFiveMethods() {
        assertEquals(List.of("average", "task-arithmetic", "ties", "dare-ta", "dare-ties"), MergeMethods.names());
        for (String n : MergeMethods.names()) {
            assertEquals(n, MergeMethods.byName(n).name());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> MergeMethods.byName("slerp"));
        assertMessage(e, "'slerp'", "average", "task-arithmetic", "ties", "dare-ta", "dare-ties");
    }
}
