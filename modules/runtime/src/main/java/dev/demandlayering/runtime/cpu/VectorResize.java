package dev.demandlayering.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two passes of a separable linear resize on the Vector API, a vector of output pixels ({@link Lanes}) at a time, with the same
 * products and sums as the scalar loops in {@link ResizeKernel} (Java never fuses a multiply and an add), so the
 * same bits: along x each pixel gathers its two source pixels ({@code v0 * (1 - f) + v1 * f}); along y two rows
 * are blended ({@code top * (1 - fy) + bottom * fy}). The scalar loops read one array at two offsets, which C2
 * does not vectorise.
 */
final class VectorResize {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private VectorResize() {
    }

    /** {@code out[d + o] = v[src + i0[o]] * g[o] + v[src + i1[o]] * f[o]} for o in [0, n), where g = 1 - f. */
    static void alongX(float[] v, int src, int[] i0, int[] i1, float[] g, float[] f, float[] out, int d, int n) {
        int o = 0;
        for (; o + L <= n; o += L) {
            FloatVector a = FloatVector.fromArray(S, v, src, i0, o), b = FloatVector.fromArray(S, v, src, i1, o);
            a.mul(FloatVector.fromArray(S, g, o)).add(b.mul(FloatVector.fromArray(S, f, o))).intoArray(out, d + o);
        }
        for (; o < n; o++) out[d + o] = v[src + i0[o]] * g[o] + v[src + i1[o]] * f[o];
    }

    /** {@code out[d + x] = rows[top + x] * gy + rows[bottom + x] * fy} for x in [0, n). */
    static void alongY(float[] rows, int top, int bottom, float gy, float fy, float[] out, int d, int n) {
        int x = 0;
        for (; x + L <= n; x += L) {
            FloatVector.fromArray(S, rows, top + x).mul(gy).add(FloatVector.fromArray(S, rows, bottom + x).mul(fy)).intoArray(out, d + x);
        }
        for (; x < n; x++) out[d + x] = rows[top + x] * gy + rows[bottom + x] * fy;
    }
}
