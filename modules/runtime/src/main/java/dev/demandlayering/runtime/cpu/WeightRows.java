package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.pack.Fp16;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Bulk reads of a weight operand as float32, from a float32 tensor or straight from float16 weights (widened
 * as they are copied into the kernel's heap block), so that float16 weights need no float32 copy in the arena.
 */
@FunctionalInterface
interface WeightRows {
    /** Copies {@code n} values from index {@code from} into {@code dst} at {@code off}. */
    void get(int from, float[] dst, int off, int n);

    /** Every float16 value as float32, looked up instead of converted per element. */
    float[] HALF_TO_FLOAT = halfTable();

    static WeightRows of(TensorView t) {
        if (t.half() == null) {
            FloatBuffer f = t.data();
            return (from, dst, off, n) -> f.get(from, dst, off, n);
        }
        ShortBuffer h = t.half();
        return (from, dst, off, n) -> {
            // one bulk copy out of the arena, then the table: far faster than a buffer read per value
            short[] bits = HalfScratch.get(n);
            h.get(from, bits, 0, n);
            for (int i = 0; i < n; i++) dst[off + i] = HALF_TO_FLOAT[bits[i] & 0xffff];
        };
    }

    /** Per-thread staging for the float16 bits of one bulk read. */
    final class HalfScratch {
        private static final ThreadLocal<short[]> LOCAL = ThreadLocal.withInitial(() -> new short[0]);

        private HalfScratch() {
        }

        static short[] get(int n) {
            short[] s = LOCAL.get();
            if (s.length < n) {
                s = new short[Math.max(n, 1024)];
                LOCAL.set(s);
            }
            return s;
        }
    }

    private static float[] halfTable() {
        float[] t = new float[65536];
        for (int i = 0; i < t.length; i++) t[i] = Fp16.toFloat((short) i);
        return t;
    }
}
