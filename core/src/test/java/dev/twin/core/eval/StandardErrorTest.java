package dev.twin.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StandardErrorTest {

    @Test
    void accuracyNormalizedAndMeanByHand() {
        assertEquals(0.03, StandardError.ofAccuracy(0.9, 100), 1e-12);          // √(0.9·0.1/100)
        assertEquals(0.0, StandardError.ofAccuracy(1.0, 500), 0);               // a perfect score has no spread
        assertEquals(100 * 0.03 / 0.95, StandardError.ofNormalized(0.9, 100, 0.95), 1e-12);
        assertEquals(2.5, StandardError.ofMean(List.of(3.0, 4.0)), 1e-12);     // √(9+16)/2
    }

    @Test
    void noItemsIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandardError.ofAccuracy(0.5, 0));
        assertEquals("standard error needs at least one test item, got n = 0", e.getMessage());
    }
}
