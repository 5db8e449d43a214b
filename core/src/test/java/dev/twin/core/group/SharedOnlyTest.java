package dev.twin.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SharedOnlyTest {

    @Test
    void everyInputSharesOneZeroWeightGroupWhateverTheRouterSaid() {
        GroupingStrategy s = GroupingStrategies.create("static", 4, 2, 4, 0);
        assertEquals("static", s.name());
        assertFalse(s.usesRouter());
        List<Group> groups = s.assign(new float[][]{{1f, 0f, 0f}, {0f, 0.5f, 0.5f}, {0.2f, 0.2f, 0.6f}});
        assertEquals(1, groups.size());
        assertEquals("static", groups.get(0).key());
        assertArrayEquals(new float[]{0f, 0f, 0f}, groups.get(0).weights());
        assertArrayEquals(new int[]{0, 1, 2}, groups.get(0).members());
        assertTrue(s.assign(new float[0][]).isEmpty());
    }

    @Test
    void theRoutedStrategiesUseTheRouterAndUnknownNamesListStatic() {
        for (String name : GroupingStrategies.NAMES) {
            assertTrue(GroupingStrategies.create(name, 4, 2, 4, 0).usesRouter(), name);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupingStrategies.create("fixed", 4, 2, 4, 0));
        assertTrue(e.getMessage().contains("'fixed'") && e.getMessage().contains("static"), e.getMessage());
    }

    @Test
    void badWeightsAreStillRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SharedOnly().assign(new float[][]{{1f}, {1f, 0f}}));
    }
}
