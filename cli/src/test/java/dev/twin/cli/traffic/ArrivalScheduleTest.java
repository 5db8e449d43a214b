package dev.twin.cli.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    @Test
    void openLoopSpacesRequestsEvenlyAtTheRate() {
        ArrivalSchedule s = ArrivalSchedule.openLoop(4); // one every 250 ms
        assertTrue(s.isOpen());
        assertEquals(0L, s.offsetNanos(0));
        assertEquals(250_000_000L, s.offsetNanos(1));
        assertEquals(750_000_000L, s.offsetNanos(3));
        assertEquals(2_500_000_000L, s.offsetNanos(10));
        // 1/3 s rounds to the nearest nanosecond; 2/3 s likewise
        assertEquals(333_333_333L, ArrivalSchedule.openLoop(3).offsetNanos(1));
        assertEquals(666_666_667L, ArrivalSchedule.openLoop(3).offsetNanos(2));
    }

    @Test
    void closedLoopSendsAtOnce() {
        assertFalse(ArrivalSchedule.CLOSED_LOOP.isOpen());
        assertEquals(0L, ArrivalSchedule.CLOSED_LOOP.offsetNanos(1000));
    }

    @Test
    void badRatesAndIndicesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.openLoop(0));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalSchedule(-1));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalSchedule(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalSchedule(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.openLoop(5).offsetNanos(-1));
    }

    @Test
    void nearestRankPercentilesIncludingTheTailOfTheTail() {
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000 - i; // 1..1000, unsorted
        }
        assertEquals(500.0, TrafficReport.percentile(v, 50), 0); // ceil(0.5·1000) = 500th
        assertEquals(990.0, TrafficReport.percentile(v, 99), 0); // 990th
        assertEquals(999.0, TrafficReport.percentile(v, 99.9), 0); // ceil(999.0) = 999th
        assertEquals(5.0, TrafficReport.percentile(new double[]{5, 1, 4, 2, 3}, 99.9), 0); // ceil(4.995) = 5th
        assertEquals(0.0, TrafficReport.percentile(new double[0], 99.9), 0);
    }
}
