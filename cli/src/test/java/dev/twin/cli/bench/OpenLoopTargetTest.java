package dev.twin.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTargetTest {

    @Test
    void ratesAreFractionsOfStaticThenOfTheStrategysOwnSaturation() {
        // static saturates at 200/s, this strategy at 100/s; 10 s per point, at least 200 requests, skip above 1.5×own
        List<OpenLoopTarget> plan = OpenLoopTarget.plan(200, 100, List.of(0.25, 0.5, 0.75, 1.0), 0.5, 10, 200, 1.5);
        assertEquals(5, plan.size());
        double[] rates = {50, 100, 150, 200, 50};
        int[] requests = {500, 1000, 1500, 2000, 500};
        for (int i = 0; i < 5; i++) {
            assertEquals(rates[i], plan.get(i).ratePerSecond(), 1e-9);
            assertEquals(requests[i], plan.get(i).requests());
        }
        assertEquals(OpenLoopTarget.STATIC, plan.get(3).basis());
        assertEquals(OpenLoopTarget.OWN, plan.get(4).basis());
        assertTrue(plan.get(2).runs()); // 150/s = 1.5 × 100/s: at the bound, still run
        assertNull(plan.get(2).skipped());
        assertFalse(plan.get(3).runs()); // 200/s > 150/s
        assertEquals("200.0/s is above 1.50× this strategy's saturation (100.0/s)", plan.get(3).skipped());
    }

    @Test
    void pointsRunFromTheLowestRateUpSoNoneFollowsAnOverloadedOne() {
        // static 200/s, own 150/s: static 25..100% = 50, 100, 150, 200/s; own 50% = 75/s runs second
        List<OpenLoopTarget> plan = OpenLoopTarget.plan(200, 150, List.of(0.25, 0.5, 0.75, 1.0), 0.5, 10, 1, 1.5);
        List<OpenLoopTarget> order = OpenLoopTarget.runOrder(plan);
        assertEquals(List.of(plan.get(0), plan.get(4), plan.get(1), plan.get(2), plan.get(3)), order);
        assertEquals(75, order.get(1).ratePerSecond(), 1e-9);
        assertEquals(OpenLoopTarget.OWN, order.get(1).basis());
    }

    @Test
    void shortPointsGetTheMinimumRequestsAndOwnZeroAddsNoPoint() {
        List<OpenLoopTarget> plan = OpenLoopTarget.plan(10, 10, List.of(0.5), 0, 2, 200, 1.5);
        assertEquals(1, plan.size());
        assertEquals(5.0, plan.get(0).ratePerSecond(), 1e-9);
        assertEquals(200, plan.get(0).requests()); // 5/s × 2 s = 10 < 200
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> OpenLoopTarget.plan(0, 1, List.of(0.5), 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> OpenLoopTarget.plan(1, 1, List.of(-0.5), 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> OpenLoopTarget.plan(1, 1, List.of(0.5), 0, 0, 1, 1));
    }
}
