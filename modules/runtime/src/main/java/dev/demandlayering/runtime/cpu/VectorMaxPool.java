package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D MaxPool on the Vector API, one channel plane per task, the way {@link VectorDepthwise} convolves: the plane
 * is copied once into a heap image padded with -inf, and each output row is, a vector of columns ({@link Lanes}) at a time, the max over
 * the window's taps of the padded rows shifted by the tap; with a horizontal stride the row is reduced at every
 * column and then every stride-th column kept (at stride 2 by permutes, two vectors of columns to one: the scalar loop that
 * picked them took longer than the maxima). Max is exact, so the result is the scalar kernel's bit for bit.
 */
final class VectorMaxPool {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private VectorMaxPool() {
    }

    /** Kernel {@code k}, strides {@code s}, dilations {@code d}, pads {@code p} (top, left, ...), output {@code oh x ow}. */
    static void run(FloatBuffer x, FloatBuffer y, int planes, int h, int w, int[] k, int[] s, int[] d, int[] p, int oh, int ow) {
        int cols = (ow - 1) * s[1] + 1;
        int wp = PaddedPlane.extent(w, p[1], ow, s[1], k[1], d[1]), hp = PaddedPlane.extent(h, p[0], oh, s[0], k[0], d[0]);
        int slack = wp + 2 * L, taps = k[0] * k[1];
        Parallel.forEach(planes, pl -> {
            Scratch sc = Scratch.get();
            float[] padded = sc.floats(0, hp * wp + slack);
            float[] o = sc.floats(1, oh * ow + L);
            float[] row = sc.floats(2, cols + L);
            int[] off = sc.ints(taps);
            for (int ky = 0, i = 0; ky < k[0]; ky++) {
                for (int kx = 0; kx < k[1]; kx++) off[i++] = ky * d[0] * wp + kx * d[1];
            }
            PaddedPlane.copy(x, pl * h * w, h, w, p[0], p[1], padded, 0, wp, hp, Float.NEGATIVE_INFINITY);
            Arrays.fill(padded, hp * wp, hp * wp + slack, Float.NEGATIVE_INFINITY);
            for (int oy = 0; oy < oh; oy++) {
                int src = oy * s[0] * wp;
                int done = s[1] == 2 ? halving(padded, src, off, taps, o, oy * ow, ow) : 0;
                if (done == ow) continue;
                float[] dst = s[1] == 1 ? o : row;
                int at = s[1] == 1 ? oy * ow : 0;
                int nv = (cols + L - 1) / L, v = done * s[1] / L; // what halving left
                // four vectors at a time: four independent chains of maxima instead of one
                for (; v + 4 <= nv; v += 4) {
                    int c = src + v * L;
                    FloatVector m0 = FloatVector.fromArray(S, padded, c + off[0]), m1 = FloatVector.fromArray(S, padded, c + off[0] + L);
                    FloatVector m2 = FloatVector.fromArray(S, padded, c + off[0] + 2 * L), m3 = FloatVector.fromArray(S, padded, c + off[0] + 3 * L);
                    for (int i = 1; i < taps; i++) {
                        int tap = c + off[i];
                        m0 = m0.max(FloatVector.fromArray(S, padded, tap));
                        m1 = m1.max(FloatVector.fromArray(S, padded, tap + L));
                        m2 = m2.max(FloatVector.fromArray(S, padded, tap + 2 * L));
                        m3 = m3.max(FloatVector.fromArray(S, padded, tap + 3 * L));
                    }
                    int to = at + v * L;
                    m0.intoArray(dst, to);
                    m1.intoArray(dst, to + L);
                    m2.intoArray(dst, to + 2 * L);
                    m3.intoArray(dst, to + 3 * L);
                }
                for (; v < nv; v++) {
                    int c = v * L;
                    FloatVector m = FloatVector.fromArray(S, padded, src + c + off[0]);
                    for (int i = 1; i < taps; i++) m = m.max(FloatVector.fromArray(S, padded, src + c + off[i]));
                    m.intoArray(dst, at + c);
                }
                if (s[1] != 1) {
                    for (int ox = done, base = oy * ow; ox < ow; ox++) o[base + ox] = row[ox * s[1]];
                }
            }
            y.put(pl * oh * ow, o, 0, oh * ow);
        });
    }

    /**
     * At horizontal stride 2: the row's maxima over the window two vectors of columns at a time, of which the even
     * ones are the output; returns how many of the row's {@code ow} outputs it wrote (whole vectors).
     */
    private static int halving(float[] padded, int src, int[] off, int taps, float[] o, int at, int ow) {
        int ox = 0;
        for (; ox + L <= ow; ox += L) {
            int c = src + 2 * ox;
            FloatVector m0 = FloatVector.fromArray(S, padded, c + off[0]), m1 = FloatVector.fromArray(S, padded, c + off[0] + L);
            for (int i = 1; i < taps; i++) {
                m0 = m0.max(FloatVector.fromArray(S, padded, c + off[i]));
                m1 = m1.max(FloatVector.fromArray(S, padded, c + off[i] + L));
            }
            EvenLanes.of(m0, m1).intoArray(o, at + ox);
        }
        return ox;
    }
}
