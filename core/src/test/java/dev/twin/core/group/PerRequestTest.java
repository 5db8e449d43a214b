package dev.twin.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerRequestTest {

    @Test
    void everyInputIsItsOwnGroupWithUnchangedWeights() {
        float[][] ws = {{0.7f, 0.3f}, {0.1f, 0.9f}, {0.7f, 0.3f}};
        List<Group> groups = new PerRequest().assign(ws);
        assertEquals(3, groups.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new int[] {i}, groups.get(i).members());
            assertArrayEquals(ws[i], groups.get(i).weights(), 0f);
        }
        // equal vectors, equal keys; different vectors, different keys
        assertEquals(groups.get(0).key(), groups.get(2).key());
        assertNotEquals(groups.get(0).key(), groups.get(1).key());
        // a one-ulp difference is a different key
        float[] nudged = {Math.nextUp(0.7f), 0.3f};
        assertNotEquals(groups.get(0).key(), new PerRequest().assign(new float[][] {nudged}).get(0).key());
    }

    @Test
    void keySpellsTheFloatBits() {
        // 1.0f = 0x3f800000, 0.5f = 0x3f000000, 0 and −0 both 0
        assertEquals("p:3f800000,0", new PerRequest().assign(new float[][] {{1f, 0f}}).get(0).key());
        assertEquals("p:3f000000,3f000000,0",
                new PerRequest().assign(new float[][] {{0.5f, 0.5f, -0f}}).get(0).key());
    }

    @Test
    void weightsAreCopies() {
        float[][] ws = {{0.6f, 0.4f}};
        Group g = new PerRequest().assign(ws).get(0);
        ws[0][0] = 0f;
        assertEquals(0.6f, g.weights()[0]);
    }
}
