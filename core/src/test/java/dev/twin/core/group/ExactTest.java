package dev.twin.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactTest {

    @Test
    void theBatchTravelsAsOneUnitAndEveryRowKeepsItsOwnWeights() {
        GroupingStrategy s = GroupingStrategies.create("exact", 4, 2, 4, 0);
        assertEquals("exact", s.name());
        assertTrue(s.usesRouter());
        assertTrue(s.perRowWeights(), "exact rows are computed with their own w");
        List<Group> groups = s.assign(new float[][]{{1f, 0f, 0f}, {0f, 0.5f, 0.5f}, {0.5f, 0.25f, 0.25f},
                {0.5f, 0.25f, 0.25f}});
        assertEquals(1, groups.size());
        assertEquals("exact", groups.get(0).key());
        // the mean by hand: (1 + 0 + 0.5 + 0.5) / 4, (0 + 0.5 + 0.25 + 0.25) / 4, the same for the third
        assertArrayEquals(new float[]{0.5f, 0.25f, 0.25f}, groups.get(0).weights(), 1e-7f);
        assertArrayEquals(new int[]{0, 1, 2, 3}, groups.get(0).members());
        assertTrue(s.assign(new float[0][]).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> s.assign(new float[][]{{1f}, {1f, 0f}}));
    }

    @Test
    void groupedStrategiesShareOneWeightVectorPerGroup() {
        for (String name : List.of("per-request", "group", "lattice", "top1", "static")) {
            assertEquals(false, GroupingStrategies.create(name, 4, 2, 4, 0).perRowWeights(), name);
        }
    }
}
