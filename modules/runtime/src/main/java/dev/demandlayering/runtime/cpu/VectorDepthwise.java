package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A depthwise convolution (one input and one output channel per group) on the Java Vector API, one channel
 * plane per task. The plane is copied once into a zero-padded heap image ({@link PaddedPlane}), so every tap of every output pixel
 * reads inside it and there are no edge cases: each output row is a vector of columns ({@link Lanes}) at a time the bias plus, per tap
 * in kernel order, the tap's weight times the padded row shifted by the tap (a fused multiply-add). With a
 * horizontal stride the row is computed at every column first and then every stride-th column kept: twice the
 * work at stride 2, still far faster than the scalar loops, which the JIT cannot vectorise (their input and
 * output arrays might be one array).
 */
final class VectorDepthwise {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private VectorDepthwise() {
    }

    static void run(ConvKernel.Geometry g, FloatBuffer x, FloatBuffer wt, FloatBuffer bias, Activation act, FloatBuffer y) {
        int taps = g.kh * g.kw;
        // every column an output row's taps read, computed at stride 1: (ow - 1) * sw + 1 of them
        int cols = (g.ow - 1) * g.sw + 1;
        int wp = PaddedPlane.extent(g.w, g.pw, g.ow, g.sw, g.kw, g.dw), hp = PaddedPlane.extent(g.h, g.ph, g.oh, g.sh, g.kh, g.dh);
        int slack = wp + 2 * L;
        Parallel.forEach(g.n * g.c, t -> {
            int ch = t % g.c;
            Scratch s = Scratch.get();
            float[] padded = s.floats(0, hp * wp + slack);
            float[] o = s.floats(1, g.p + L);
            float[] row = s.floats(3, cols + L);
            float[] wk = s.floats(2, taps);
            int[] off = s.ints(taps);
            wt.get(ch * taps, wk, 0, taps);
            for (int ky = 0, i = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) off[i++] = ky * g.dh * wp + kx * g.dw;
            }
            PaddedPlane.copy(x, t * g.h * g.w, g.h, g.w, g.ph, g.pw, padded, 0, wp, hp, 0f);
            Arrays.fill(padded, hp * wp, hp * wp + slack, 0f);
            float b = bias == null ? 0f : bias.get(ch);
            for (int oy = 0; oy < g.oh; oy++) {
                int src = oy * g.sh * wp;
                float[] dst = g.sw == 1 ? o : row;
                int at = g.sw == 1 ? oy * g.ow : 0;
                int nv = (cols + L - 1) / L, v = 0;
                // four vectors at a time: four independent multiply-add chains (one chain waited out each FMA's latency)
                for (; v + 4 <= nv; v += 4) {
                    int c = v * L;
                    FloatVector a0 = FloatVector.broadcast(S, b), a1 = a0, a2 = a0, a3 = a0;
                    for (int i = 0; i < taps; i++) {
                        FloatVector w = FloatVector.broadcast(S, wk[i]);
                        int at0 = src + c + off[i];
                        a0 = FloatVector.fromArray(S, padded, at0).fma(w, a0);
                        a1 = FloatVector.fromArray(S, padded, at0 + L).fma(w, a1);
                        a2 = FloatVector.fromArray(S, padded, at0 + 2 * L).fma(w, a2);
                        a3 = FloatVector.fromArray(S, padded, at0 + 3 * L).fma(w, a3);
                    }
                    a0.intoArray(dst, at + c);
                    a1.intoArray(dst, at + c + L);
                    a2.intoArray(dst, at + c + 2 * L);
                    a3.intoArray(dst, at + c + 3 * L);
                }
                for (; v < nv; v++) {
                    int c = v * L;
                    FloatVector acc = FloatVector.broadcast(S, b);
                    for (int i = 0; i < taps; i++) acc = FloatVector.fromArray(S, padded, src + c + off[i]).fma(FloatVector.broadcast(S, wk[i]), acc);
                    // a row's last vector runs past its end into the next row's start, which is written after it
                    acc.intoArray(dst, at + c);
                }
                if (g.sw != 1) {
                    for (int ox = 0, base = oy * g.ow; ox < g.ow; ox++) o[base + ox] = row[ox * g.sw];
                }
            }
            if (act != null) act.apply(o, 0, g.p);
            y.put(t * g.p, o, 0, g.p);
        });
    }
}
