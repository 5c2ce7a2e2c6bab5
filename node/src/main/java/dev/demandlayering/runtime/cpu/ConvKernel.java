package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.nio.FloatBuffer;

/**
 * 2-D convolution as an implicit GEMM: for each group and block of output pixels, the input patch matrix
 * (K = in-channels/group * kh * kw rows) is packed into a heap block, and each output channel accumulates
 * weight * patch rows four channels at a time, in loops the JIT vectorises. Depthwise convolutions take
 * a direct per-channel path. Both are deterministic: one fixed summation order per output element. The GEMM
 * path also reads float16 weights as they are, widening each block of weight rows as it packs them.
 */
final class ConvKernel implements Kernel {
    private static final int BLOCK_FLOATS = 1 << 17; // packed patch block: 512 KiB, sized for L2

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        Attributes a = node.attributes();
        Geometry g = new Geometry(in[0].shape(), in[1].shape(), out[0].shape(), a);
        FloatBuffer bias = in.length > 2 ? in[2].data() : null;
        if (!gemmWeights(in[1].shape(), g.group)) {
            depthwise(g, in[0].data(), in[1].data(), bias, out[0].data());
        } else {
            gemm(g, in[0].data(), WeightRows.of(in[1]), bias, out[0].data());
        }
    }

    /** Whether a convolution with these weights (OIHW) takes the GEMM path: all but depthwise ones (one channel in and out per group). */
    static boolean gemmWeights(int[] wt, int group) {
        return !(wt[1] == 1 && wt[0] / group == 1);
    }


    /** Shapes and attributes of one convolution. */
    static final class Geometry {
        final int n, c, h, w, m, kh, kw, oh, ow, sh, sw, dh, dw, ph, pw, group, cg, mg, k, p;

        Geometry(int[] x, int[] wt, int[] y, Attributes a) {
            n = x[0];
            c = x[1];
            h = x[2];
            w = x[3];
            m = wt[0];
            kh = wt[2];
            kw = wt[3];
            oh = y[2];
            ow = y[3];
            int[] s = a.getInts("strides", null), d = a.getInts("dilations", null), pads = a.getInts("pads", null);
            sh = s[0];
            sw = s[1];
            dh = d[0];
            dw = d[1];
            ph = pads[0];
            pw = pads[1];
            group = a.getInt("group", 1);
            cg = c / group;
            mg = m / group;
            k = cg * kh * kw;
            p = oh * ow;
        }
    }

    private static void gemm(Geometry g, FloatBuffer x, WeightRows wt, FloatBuffer bias, FloatBuffer y) {
        int pb = Math.max(16, Math.min(g.p, (BLOCK_FLOATS / Math.max(1, g.k)) & ~15));
        int blocks = (g.p + pb - 1) / pb;
        int tasks = g.n * g.group * blocks;
        float[] biasArr = bias == null ? null : toArray(bias, g.m);
        boolean pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.oh == g.h && g.ow == g.w;
        Parallel.forEach(tasks, t -> {
            int blk = t % blocks;
            int grp = (t / blocks) % g.group;
            int img = t / blocks / g.group;
            int p0 = blk * pb;
            int len = Math.min(pb, g.p - p0);
            Scratch s = Scratch.get();
            float[] patch = s.floats(0, g.k * len);
            float[] wrow = s.floats(1, 4 * g.k);
            float[] acc = s.floats(2, 4 * len);
            int xBase = (img * g.c + grp * g.cg) * g.h * g.w;
            if (pointwise) {
                for (int kk = 0; kk < g.k; kk++) x.get(xBase + kk * g.h * g.w + p0, patch, kk * len, len);
            } else {
                packPatches(g, x, xBase, p0, len, patch, s.floats(3, g.w));
            }
            int yBase = (img * g.m + grp * g.mg) * g.p + p0;
            for (int co = 0; co < g.mg; co += 4) {
                int rows = Math.min(4, g.mg - co);
                wt.get((grp * g.mg + co) * g.k, wrow, 0, rows * g.k);
                for (int r = 0; r < rows; r++) {
                    float b0 = biasArr == null ? 0f : biasArr[grp * g.mg + co + r];
                    java.util.Arrays.fill(acc, r * len, r * len + len, b0);
                }
                if (rows == 4) {
                    accumulate4(wrow, g.k, patch, len, acc);
                } else {
                    for (int r = 0; r < rows; r++) accumulate1(wrow, r * g.k, g.k, patch, len, acc, r * len);
                }
                for (int r = 0; r < rows; r++) y.put(yBase + (co + r) * g.p, acc, r * len, len);
            }
        });
    }

    private static void accumulate4(float[] w, int k, float[] patch, int len, float[] acc) {
        int o1 = len, o2 = 2 * len, o3 = 3 * len;
        for (int kk = 0; kk < k; kk++) {
            float a0 = w[kk], a1 = w[k + kk], a2 = w[2 * k + kk], a3 = w[3 * k + kk];
            int pbase = kk * len;
            for (int i = 0; i < len; i++) {
                float b = patch[pbase + i];
                acc[i] += a0 * b;
                acc[o1 + i] += a1 * b;
                acc[o2 + i] += a2 * b;
                acc[o3 + i] += a3 * b;
            }
        }
    }

    private static void accumulate1(float[] w, int wOff, int k, float[] patch, int len, float[] acc, int accOff) {
        for (int kk = 0; kk < k; kk++) {
            float a0 = w[wOff + kk];
            int pbase = kk * len;
            for (int i = 0; i < len; i++) acc[accOff + i] += a0 * patch[pbase + i];
        }
    }

    /** im2col for output pixels [p0, p0+len) of one group: row (ci, ky, kx), column pixel. */
    private static void packPatches(Geometry g, FloatBuffer x, int xBase, int p0, int len, float[] patch, float[] row) {
        for (int ci = 0; ci < g.cg; ci++) {
            int plane = xBase + ci * g.h * g.w;
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int r = (ci * g.kh + ky) * g.kw + kx;
                    int dst = r * len;
                    int oy = p0 / g.ow, ox = p0 % g.ow;
                    int loadedRow = -1;
                    for (int i = 0; i < len; i++) {
                        int iy = oy * g.sh - g.ph + ky * g.dh;
                        int ix = ox * g.sw - g.pw + kx * g.dw;
                        float v = 0f;
                        if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
                            if (loadedRow != iy) {
                                x.get(plane + iy * g.w, row, 0, g.w);
                                loadedRow = iy;
                            }
                            v = row[ix];
                        }
                        patch[dst + i] = v;
                        if (++ox == g.ow) {
                            ox = 0;
                            oy++;
                        }
                    }
                }
            }
        }
    }

    private static void depthwise(Geometry g, FloatBuffer x, FloatBuffer wt, FloatBuffer bias, FloatBuffer y) {
        int kk = g.kh * g.kw;
        Parallel.forEach(g.n * g.c, t -> {
            int ch = t % g.c;
            Scratch s = Scratch.get();
            float[] plane = s.floats(0, g.h * g.w);
            float[] o = s.floats(1, g.p);
            float[] wk = s.floats(2, kk);
            x.get(t * g.h * g.w, plane, 0, g.h * g.w);
            wt.get(ch * kk, wk, 0, kk);
            float b0 = bias == null ? 0f : bias.get(ch);
            for (int oy = 0; oy < g.oh; oy++) {
                for (int ox = 0; ox < g.ow; ox++) {
                    float sum = b0;
                    for (int ky = 0; ky < g.kh; ky++) {
                        int iy = oy * g.sh - g.ph + ky * g.dh;
                        if (iy < 0 || iy >= g.h) continue;
                        for (int kx = 0; kx < g.kw; kx++) {
                            int ix = ox * g.sw - g.pw + kx * g.dw;
                            if (ix < 0 || ix >= g.w) continue;
                            sum += wk[ky * g.kw + kx] * plane[iy * g.w + ix];
                        }
                    }
                    o[oy * g.ow + ox] = sum;
                }
            }
            y.put(t * g.p, o, 0, g.p);
        });
    }

    static float[] toArray(FloatBuffer b, int n) {
        float[] f = new float[n];
        b.get(0, f, 0, n);
        return f;
    }
}
