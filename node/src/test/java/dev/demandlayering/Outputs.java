package dev.demandlayering;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Comparing a run's outputs with a reference. */
public final class Outputs {
    private Outputs() {
    }

    /** ||got - ref|| / ||ref||; NaN when {@code got} holds a NaN (so that no bound passes). */
    public static double relativeL2(float[] ref, float[] got) {
        assertEquals(ref.length, got.length, "output lengths");
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Float.isNaN(got[i])) return Double.NaN;
            num += (ref[i] - got[i]) * (double) (ref[i] - got[i]);
            den += ref[i] * (double) ref[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }
}
