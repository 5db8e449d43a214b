package dev.twin.core.merge;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The one definition of "density" (the fraction of entries KEPT, TWIN-MERGING.md) shared by merging and compression:
 * its validation and the count of kept entries.
 */
public final class Density {

    private Density() {
    }

    /** Throws unless {@code density} lies in (0, 1]; {@code what} names the option or tensor in the message. */
    public static void check(double density, String what) {
        if (!(density > 0.0 && density <= 1.0)) {
            throw new IllegalArgumentException(what + ": density is the fraction of entries kept and must be in (0, 1], got "
                    + density);
        }
    }

    /**
     * k = floor(density·n). The density is read as the decimal it prints as, so 0.29·100 keeps 29 entries and not the
     * 28 that binary floating point would give (0.29·100 = 28.999999999999996 in double).
     */
    public static long keepCount(double density, long n) {
        return BigDecimal.valueOf(density).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
