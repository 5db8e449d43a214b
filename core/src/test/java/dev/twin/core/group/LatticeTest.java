package dev.twin.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatticeTest {

    @Test
    void roundsToTheGridByLargestRemainder() {
        // p·8 = [4, 2.4, 1.6]: floors [4, 2, 1], one unit left goes to the largest remainder (task 2: 0.6)
        Lattice l = new Lattice(3, 8);
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.25f}, l.rounded(new float[] {0.5f, 0.3f, 0.2f}));
        assertEquals("q8:0=4,1=2,2=2", l.keyOf(new float[] {0.5f, 0.3f, 0.2f}));
    }

    @Test
    void remainderTiesGoToTheLowerTask() {
        // p·2 = [0.5, 0.5, 0.5, 0.5]: floors 0, two units for four equal remainders → tasks 0 and 1
        Lattice l = new Lattice(4, 2);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 0f}, l.rounded(new float[] {0.25f, 0.25f, 0.25f, 0.25f}));
        assertEquals("q2:0=1,1=1", l.keyOf(new float[] {0.25f, 0.25f, 0.25f, 0.25f}));
        // p·4 = [1.5, 0.5, 1.5, 0.5]: floors [1, 0, 1, 0], remainders all 0.5 → tasks 0 and 1
        Lattice l4 = new Lattice(4, 4);
        assertEquals("q4:0=2,1=1,2=1", l4.keyOf(new float[] {0.375f, 0.125f, 0.375f, 0.125f}));
    }

    @Test
    void keepsOnlyTheTopKAndRenormalizes() {
        // top-2 of [0.1, 0.4, 0.2, 0.3] = tasks 1, 3 → p = [4/7, 3/7] → p·4 = [2.2857, 1.7143]: floors [2, 1],
        // the unit goes to task 3 (0.714 > 0.286)
        Lattice l = new Lattice(2, 4);
        assertArrayEquals(new float[] {0f, 0.5f, 0f, 0.5f}, l.rounded(new float[] {0.1f, 0.4f, 0.2f, 0.3f}));
        assertEquals("q4:1=2,3=2", l.keyOf(new float[] {0.1f, 0.4f, 0.2f, 0.3f}));
        // top-k ties go to the lower task: top-2 of [0.4, 0.2, 0.2, 0.2] = tasks 0, 1 → p = [2/3, 1/3] → q = 3: [2, 1]
        assertEquals("q3:0=2,1=1", new Lattice(2, 3).keyOf(new float[] {0.4f, 0.2f, 0.2f, 0.2f}));
        // a kept weight may round to 0: p·4 = [3.6, 0.4] → [4, 0]
        assertEquals("q4:0=4", new Lattice(2, 4).keyOf(new float[] {0.9f, 0.1f}));
        // topK = 1, q = 1 is the argmax one-hot
        assertArrayEquals(new float[] {0f, 0f, 1f}, new Lattice(1, 1).rounded(new float[] {0.3f, 0.3f, 0.4f}));
        // topK above T keeps everything
        assertEquals("q10:0=3,1=7", new Lattice(5, 10).keyOf(new float[] {0.3f, 0.7f}));
    }

    @Test
    void roundedVectorsSumToExactlyOne() {
        Lattice l = new Lattice(3, 7);
        float[][] ws = {{0.2f, 0.3f, 0.5f}, {0.01f, 0.98f, 0.01f}, {1f / 3, 1f / 3, 1f / 3}, {0.6f, 0.25f, 0.15f}};
        for (Group g : l.assign(ws)) {
            int sum = 0;
            for (String part : g.key().substring(g.key().indexOf(':') + 1).split(",")) {
                sum += Integer.parseInt(part.split("=")[1]);
            }
            assertEquals(7, sum, g.key());
        }
    }

    @Test
    void keysAreStableAcrossBatchesAndGroupEqualRoundings() {
        // both round to [4, 2, 2]/8: [0.52, 0.29, 0.19]·8 = [4.16, 2.32, 1.52] → floors [4, 2, 1] + task 2
        float[] a = {0.5f, 0.3f, 0.2f};
        float[] b = {0.52f, 0.29f, 0.19f};
        float[] c = {0.1f, 0.1f, 0.8f};
        List<Group> groups = new Lattice(3, 8).assign(new float[][] {a, c, b});
        assertEquals(2, groups.size());
        assertEquals("q8:0=4,1=2,2=2", groups.get(0).key());
        assertArrayEquals(new int[] {0, 2}, groups.get(0).members());
        assertArrayEquals(new int[] {1}, groups.get(1).members());
        // another instance, another batch, same key
        List<Group> later = new Lattice(3, 8).assign(new float[][] {c, b});
        assertEquals(groups.get(0).key(), later.get(1).key());
        assertArrayEquals(groups.get(0).weights(), later.get(1).weights());
        assertEquals(groups.get(1).key(), later.get(0).key());
        assertNotEquals(new Lattice(3, 4).keyOf(a), new Lattice(3, 8).keyOf(a), "q is part of the key");
    }

    @Test
    void validatesItsParametersAndInputs() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Lattice(0, 8)).getMessage().contains("topK"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Lattice(2, 0)).getMessage().contains("q"));
        Lattice l = new Lattice(2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> l.assign(new float[][] {{0.5f, 0.5f}, {0.5f, Float.NaN}}));
        assertTrue(e.getMessage().contains("input 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> l.assign(new float[][] {{0.5f, 0.5f}, {1f}}));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("1 entries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> l.assign(new float[][] {{0f, 0f, 1f}, {0f, 0f, 0f}}));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("sum to 0"), e.getMessage());
        assertTrue(l.assign(new float[0][]).isEmpty());
    }
}
