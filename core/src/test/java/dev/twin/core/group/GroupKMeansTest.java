package dev.twin.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupKMeansTest {

    /** A random softmax-like vector whose argmax is {@code top}. */
    static float[] peaked(Random r, int t, int top, float mass) {
        float[] w = new float[t];
        double rest = 0;
        double[] raw = new double[t];
        for (int j = 0; j < t; j++) {
            if (j != top) {
                raw[j] = r.nextDouble();
                rest += raw[j];
            }
        }
        for (int j = 0; j < t; j++) {
            w[j] = j == top ? mass : (float) ((1 - mass) * raw[j] / rest);
        }
        return w;
    }

    static float[][] mixedBatch(long seed, int n, int t) {
        Random r = new Random(seed);
        float[][] ws = new float[n][];
        for (int i = 0; i < n; i++) {
            ws[i] = peaked(r, t, r.nextInt(t), 0.5f + 0.4f * r.nextFloat());
        }
        return ws;
    }

    @Test
    void splitsTwoObviousClustersInsideOneBin() {
        // every input has argmax 0; half sit near [0.9, 0.05, 0.05], half near [0.5, 0.45, 0.05]
        Random r = new Random(1);
        float[][] ws = new float[20][];
        for (int i = 0; i < 20; i++) {
            float e = 0.01f * r.nextFloat();
            ws[i] = i % 2 == 0 ? new float[] {0.9f - e, 0.05f + e, 0.05f} : new float[] {0.5f - e, 0.45f + e, 0.05f};
        }
        List<Group> groups = new GroupKMeans(2, 7).assign(ws);
        assertEquals(2, groups.size());
        for (Group g : groups) {
            int parity = g.members()[0] % 2;
            for (int m : g.members()) {
                assertEquals(parity, m % 2, "group " + g.key() + " mixes the two clusters");
            }
            assertEquals(10, g.size());
        }
    }

    @Test
    void neverMixesArgmaxBinsAndCoversEveryInputOnce() {
        float[][] ws = mixedBatch(3, 200, 5);
        List<Group> groups = new GroupKMeans(12, 1).assign(ws);
        assertTrue(groups.size() <= 12, "groups " + groups.size());
        int[] seen = new int[ws.length];
        for (Group g : groups) {
            int bin = WeightBatchTestAccess.argmax(ws[g.members()[0]]);
            assertTrue(g.key().startsWith("g" + bin + "-"), g.key());
            for (int m : g.members()) {
                seen[m]++;
                assertEquals(bin, WeightBatchTestAccess.argmax(ws[m]), "group " + g.key() + " mixes bins");
            }
        }
        for (int i = 0; i < ws.length; i++) {
            assertEquals(1, seen[i], "input " + i);
        }
    }

    @Test
    void groupWeightsAreMemberMeans() {
        float[][] ws = mixedBatch(5, 60, 4);
        for (Group g : new GroupKMeans(8, 2).assign(ws)) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int m : g.members()) {
                    s += ws[m][j];
                }
                assertEquals(s / g.size(), g.weights()[j], 1e-6, g.key() + " task " + j);
            }
        }
    }

    @Test
    void deterministicForASeed() {
        float[][] ws = mixedBatch(9, 150, 6);
        assertEquals(new GroupKMeans(20, 4).assign(ws), new GroupKMeans(20, 4).assign(ws));
    }

    @Test
    void allocatesGroupsInProportionToBinSize() {
        // bin 0 has 6 distinct inputs, bin 1 has 2: k = 4 → 1 + 1, then D'Hondt: 6/1 > 2/1 → bin 0, 6/2 > 2/1 → bin 0
        Random r = new Random(2);
        float[][] ws = new float[8][];
        for (int i = 0; i < 8; i++) {
            ws[i] = peaked(r, 3, i < 6 ? 0 : 1, 0.6f);
        }
        int[][] bins = GroupKMeans.binByArgmax(ws, 3);
        assertArrayEquals(new int[] {3, 1, 0}, GroupKMeans.allocate(bins, ws, 4));
        // k below the number of bins: one group per non-empty bin anyway
        assertArrayEquals(new int[] {1, 1, 0}, GroupKMeans.allocate(bins, ws, 1));
        // k above the number of distinct points: capped
        assertArrayEquals(new int[] {6, 2, 0}, GroupKMeans.allocate(bins, ws, 50));
        List<Group> groups = new GroupKMeans(1, 0).assign(ws);
        assertEquals(2, groups.size());
    }

    @Test
    void identicalVectorsNeverGetMoreGroupsThanDistinctPoints() {
        float[][] ws = {{0.8f, 0.2f}, {0.8f, 0.2f}, {0.8f, 0.2f}, {0.3f, 0.7f}};
        List<Group> groups = new GroupKMeans(20, 0).assign(ws);
        assertEquals(2, groups.size());
        Set<Integer> sizes = new HashSet<>();
        for (Group g : groups) {
            sizes.add(g.size());
        }
        assertEquals(Set.of(3, 1), sizes);
        assertArrayEquals(new float[] {0.8f, 0.2f}, groups.get(0).weights(), 0f);
    }

    @Test
    void validates() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupKMeans(0, 1)).getMessage().contains("k"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GroupKMeans(2, 1).assign(new float[][] {{0.5f, 0.5f}, {-0.1f, 1.1f}}));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("non-negative"), e.getMessage());
        assertTrue(new GroupKMeans(2, 1).assign(new float[0][]).isEmpty());
    }

    @Test
    void factoryCreatesEveryStrategyByName() {
        assertEquals("per-request", GroupingStrategies.create("per-request", 20, 2, 8, 0).name());
        assertEquals("group", GroupingStrategies.create("group", 20, 2, 8, 0).name());
        assertEquals("lattice", GroupingStrategies.create("lattice", 20, 2, 8, 0).name());
        GroupingStrategy top1 = GroupingStrategies.create("top1", 20, 2, 8, 0);
        List<Group> g = top1.assign(new float[][] {{0.2f, 0.5f, 0.3f}, {0.6f, 0.3f, 0.1f}, {0.1f, 0.8f, 0.1f}});
        assertEquals(2, g.size());
        assertArrayEquals(new float[] {0f, 1f, 0f}, g.get(0).weights(), 0f);
        assertArrayEquals(new int[] {0, 2}, g.get(0).members());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupingStrategies.create("kmeans", 20, 2, 8, 0));
        assertTrue(e.getMessage().contains("'kmeans'") && e.getMessage().contains("lattice"), e.getMessage());
        assertTrue(Arrays.asList("per-request", "group", "lattice", "top1").containsAll(GroupingStrategies.NAMES));
    }
}
