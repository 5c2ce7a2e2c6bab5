package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.nio.FloatBuffer;

/**
 * 2-D convolution as a GEMM per group and block of output rows: Y[m, pixels] = W[m, K] x patches[K, pixels]
 * (K = in-channels/group * kh * kw). With OpenBLAS ({@link NativeBlas}) the weights and the output are read and
 * written in place in the arena; a 1x1 stride-1 convolution multiplies the input itself, others first pack
 * their block of patches (im2col) into native scratch; float16 weights are widened 64 rows at a time. Without it
 * (the Java loops), each output channel accumulates weight * patch rows four channels at a time, reading float16
 * weights as they are.
 * Depthwise convolutions take a direct per-channel path. All are deterministic: the blocks depend on the
 * shapes only, so one output element is always summed in the same order.
 */
final class ConvKernel implements Kernel {
    private static final int BLOCK_FLOATS = 1 << 17; // packed patch block: 512 KiB, sized for L2

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        run(node, null, in, out);
    }

    @Override
    public boolean fuses(Node node) {
        return true;
    }

    @Override
    public void run(Node node, Activation act, TensorView[] in, TensorView[] out) {
        Attributes a = node.attributes();
        Geometry g = new Geometry(in[0].shape(), in[1].shape(), out[0].shape(), a);
        FloatBuffer bias = in.length > 2 ? in[2].data() : null;
        if (!gemmWeights(in[1].shape(), g.group)) {
            if (in[0].vector()) {
                VectorDepthwise.run(g, in[0].data(), in[1].data(), bias, act, out[0].data());
            } else {
                depthwise(g, in[0].data(), in[1].data(), bias, act, out[0].data());
            }
        } else if (in[0].vector() && VectorSupport.gemm() && VectorConv.suits(g)) {
            VectorConv.run(g, in[0], in[1], bias, act, out[0]);
        } else if (in[0].nativeFloats() && out[0].nativeFloats()) {
            nativeGemm(g, in[0], in[1], bias, act, out[0]);
        } else {
            gemm(g, in[0].data(), WeightRows.of(in[1]), bias, act, out[0].data());
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

    /** Output rows per block, so that a block's patches fill about {@link #BLOCK_FLOATS} and both cores get work. */
    static int blockRows(Geometry g) {
        int byScratch = Math.max(1, BLOCK_FLOATS / Math.max(1, g.k * g.ow));
        int bySplit = Math.max(1, (g.oh + 2 * Parallel.threads() - 1) / (2 * Parallel.threads()));
        return Math.min(g.oh, Math.min(byScratch, bySplit));
    }

    /** Output channels per OpenBLAS call when float16 weights are widened into scratch (bounded: a block of rows at a time). */
    static final int HALF_ROWS = 64;

    /** One block of output rows [oy0, oy0 + len / ow) of one image and group: its output starts at pixel p0 = oy0 * ow. */
    interface Block {
        void run(int img, int grp, int oy0, int len);
    }

    /** Every block of {@link #blockRows} output rows of every image and group, across the cores. */
    private static void forEachBlock(Geometry g, Block body) {
        int rows = blockRows(g);
        int blocks = (g.oh + rows - 1) / rows;
        Parallel.forEach(g.n * g.group * blocks, t -> {
            int oy0 = t % blocks * rows;
            body.run(t / blocks / g.group, (t / blocks) % g.group, oy0, Math.min(rows, g.oh - oy0) * g.ow);
        });
    }

    private static void nativeGemm(Geometry g, TensorView x, TensorView w, FloatBuffer bias, Activation act, TensorView y) {
        boolean pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.oh == g.h && g.ow == g.w;
        float[] biasArr = bias == null ? null : toArray(bias, g.m);
        forEachBlock(g, (img, grp, oy0, len) -> {
            int p0 = oy0 * g.ow;
            long xPlane = x.address() + 4L * (img * g.c + grp * g.cg) * g.h * g.w;
            long yAt = y.address() + 4L * ((img * g.m + grp * g.mg) * (long) g.p + p0);
            long patches;
            int ldb;
            if (pointwise) {
                patches = xPlane + 4L * p0;
                ldb = g.p;
            } else {
                Scratch s = Scratch.get();
                float[] patch = s.floats(0, g.k * len);
                im2col(g, x.data(), (img * g.c + grp * g.cg) * g.h * g.w, oy0, len / g.ow, patch, s.floats(3, im2colRows(g, len / g.ow)));
                patches = NativeMemory.copyIn(0, patch, g.k * len);
                ldb = len;
            }
            // float32 weights: every output channel in one call, read in place; float16: widened a block of rows at a time
            int step = w.nativeFloats() ? g.mg : HALF_ROWS;
            for (int m0 = 0; m0 < g.mg; m0 += step) {
                int mc = Math.min(step, g.mg - m0);
                long a = NativeMemory.weightRows(w, grp * g.mg + m0, mc, g.k);
                NativeBlas.sgemm(false, false, mc, len, g.k, 1f, a, g.k, patches, ldb, 0f, yAt + 4L * m0 * g.p, g.p);
            }
            if (biasArr != null || act != null) epilogue(y.data(), (img * g.m + grp * g.mg) * g.p + p0, g.p, len, biasArr, grp * g.mg, g.mg, act);
        });
    }

    /**
     * Adds each output channel's bias to one block of its row and applies the fused activation, while the block
     * is still in cache from the GEMM.
     */
    private static void epilogue(FloatBuffer y, int at, int stride, int len, float[] bias, int b0, int rows, Activation act) {
        float[] seg = Scratch.get().floats(2, len);
        for (int r = 0; r < rows; r++) {
            int off = at + r * stride;
            y.get(off, seg, 0, len);
            if (bias != null) {
                float b = bias[b0 + r];
                for (int i = 0; i < len; i++) seg[i] += b;
            }
            if (act != null) act.apply(seg, 0, len);
            y.put(off, seg, 0, len);
        }
    }

    /**
     * im2col for output rows [oy0, oy0+rows) of one group into {@code patch} (row (ci, ky, kx), column pixel): the
     * input rows a channel's taps read are copied to the heap in one bulk read ({@code rowsBuf}), then each patch
     * row segment is that row shifted (one arraycopy for stride 1), with zeros where it falls in the padding.
     */
    static void im2col(Geometry g, FloatBuffer x, int xBase, int oy0, int rows, float[] patch, float[] rowsBuf) {
        im2col(g, x, xBase, oy0, rows, patch, rows * g.ow, rowsBuf, 0, g.cg);
    }

    /** The same for input channels [ci0, ci1) only, with patch rows {@code ld} floats apart (at least the block's pixels). */
    static void im2col(Geometry g, FloatBuffer x, int xBase, int oy0, int rows, float[] patch, int ld, float[] rowsBuf, int ci0, int ci1) {
        // the input rows this block reads, clipped to the input
        int iyLo = Math.max(0, oy0 * g.sh - g.ph), iyHi = Math.min(g.h, (oy0 + rows - 1) * g.sh - g.ph + (g.kh - 1) * g.dh + 1);
        for (int ci = ci0; ci < ci1; ci++) {
            if (iyHi > iyLo) x.get(xBase + ci * g.h * g.w + iyLo * g.w, rowsBuf, 0, (iyHi - iyLo) * g.w);
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int dst = ((ci * g.kh + ky) * g.kw + kx) * ld;
                    int shift = kx * g.dw - g.pw;
                    // output columns whose input column ox*sw + shift lies inside [0, w)
                    int lo = shift >= 0 ? 0 : Math.min(g.ow, (-shift + g.sw - 1) / g.sw);
                    int hi = g.w - 1 - shift < 0 ? lo : Math.max(lo, Math.min(g.ow, (g.w - 1 - shift) / g.sw + 1));
                    for (int oy = oy0; oy < oy0 + rows; oy++, dst += g.ow) {
                        int iy = oy * g.sh - g.ph + ky * g.dh;
                        if (iy < 0 || iy >= g.h || lo >= hi) {
                            java.util.Arrays.fill(patch, dst, dst + g.ow, 0f);
                            continue;
                        }
                        if (lo > 0) java.util.Arrays.fill(patch, dst, dst + lo, 0f);
                        if (hi < g.ow) java.util.Arrays.fill(patch, dst + hi, dst + g.ow, 0f);
                        int src = (iy - iyLo) * g.w + lo * g.sw + shift;
                        if (g.sw == 1) {
                            System.arraycopy(rowsBuf, src, patch, dst + lo, hi - lo);
                        } else {
                            for (int i = 0, j = src; i < hi - lo; i++, j += g.sw) patch[dst + lo + i] = rowsBuf[j];
                        }
                    }
                }
            }
        }
    }

    /** Heap floats {@link #im2col} needs for one channel's input rows of a block of {@code rows} output rows. */
    static int im2colRows(Geometry g, int rows) {
        return Math.min(g.h, (rows - 1) * g.sh + (g.kh - 1) * g.dh + 1) * g.w;
    }

    private static void gemm(Geometry g, FloatBuffer x, WeightRows wt, FloatBuffer bias, Activation act, FloatBuffer y) {
        float[] biasArr = bias == null ? null : toArray(bias, g.m);
        forEachBlock(g, (img, grp, oy0, len) -> {
            int p0 = oy0 * g.ow;
            Scratch s = Scratch.get();
            float[] patch = s.floats(0, g.k * len);
            float[] wrow = s.floats(1, 4 * g.k);
            float[] acc = s.floats(2, 4 * len);
            im2col(g, x, (img * g.c + grp * g.cg) * g.h * g.w, oy0, len / g.ow, patch, s.floats(3, im2colRows(g, len / g.ow)));
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
                if (act != null) act.apply(acc, 0, rows * len);
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

    /**
     * One channel plane per task. Each output row adds, per kernel row, its taps in order: 3- and 5-wide kernels in
     * one pass over the columns where every tap is inside the input (a loop the JIT vectorises for stride 1), the
     * edge columns tap by tap. Each element is the bias plus the taps in kernel order, whatever the path.
     */
    private static void depthwise(Geometry g, FloatBuffer x, FloatBuffer wt, FloatBuffer bias, Activation act, FloatBuffer y) {
        int taps = g.kh * g.kw;
        int[] lo = new int[g.kw], hi = new int[g.kw];
        int inLo = 0, inHi = g.ow;
        for (int kx = 0; kx < g.kw; kx++) {
            int shift = kx * g.dw - g.pw;
            lo[kx] = shift >= 0 ? 0 : Math.min(g.ow, (-shift + g.sw - 1) / g.sw);
            hi[kx] = g.w - 1 - shift < 0 ? lo[kx] : Math.max(lo[kx], Math.min(g.ow, (g.w - 1 - shift) / g.sw + 1));
            inLo = Math.max(inLo, lo[kx]);
            inHi = Math.min(inHi, hi[kx]);
        }
        int cLo = inLo, cHi = Math.max(inLo, inHi);
        Parallel.forEach(g.n * g.c, t -> {
            int ch = t % g.c;
            Scratch s = Scratch.get();
            float[] plane = s.floats(0, g.h * g.w);
            float[] o = s.floats(1, g.p);
            float[] wk = s.floats(2, taps);
            x.get(t * g.h * g.w, plane, 0, g.h * g.w);
            wt.get(ch * taps, wk, 0, taps);
            java.util.Arrays.fill(o, 0, g.p, bias == null ? 0f : bias.get(ch));
            for (int oy = 0; oy < g.oh; oy++) {
                int row = oy * g.ow;
                for (int ky = 0; ky < g.kh; ky++) {
                    int iy = oy * g.sh - g.ph + ky * g.dh;
                    if (iy < 0 || iy >= g.h) continue;
                    int src = iy * g.w - g.pw, w0 = ky * g.kw;
                    edges(g, o, row, plane, src, wk, w0, lo, hi, 0, cLo);
                    if (g.kw == 3) {
                        interior3(o, row, plane, src, wk, w0, cLo, cHi, g.sw, g.dw);
                    } else if (g.kw == 5) {
                        interior5(o, row, plane, src, wk, w0, cLo, cHi, g.sw, g.dw);
                    } else {
                        for (int kx = 0; kx < g.kw; kx++) {
                            float wv = wk[w0 + kx];
                            int at = src + kx * g.dw;
                            for (int ox = cLo; ox < cHi; ox++) o[row + ox] += wv * plane[at + ox * g.sw];
                        }
                    }
                    edges(g, o, row, plane, src, wk, w0, lo, hi, cHi, g.ow);
                }
            }
            if (act != null) act.apply(o, 0, g.p);
            y.put(t * g.p, o, 0, g.p);
        });
    }

    /** Columns [from, to) of one output row, one kernel row's taps each where they fall inside the input. */
    private static void edges(Geometry g, float[] o, int row, float[] plane, int src, float[] wk, int w0, int[] lo, int[] hi, int from, int to) {
        for (int ox = from; ox < to; ox++) {
            float acc = o[row + ox];
            for (int kx = 0; kx < g.kw; kx++) {
                if (ox >= lo[kx] && ox < hi[kx]) acc += wk[w0 + kx] * plane[src + kx * g.dw + ox * g.sw];
            }
            o[row + ox] = acc;
        }
    }

    private static void interior3(float[] o, int row, float[] p, int src, float[] wk, int w0, int from, int to, int sw, int dw) {
        float a = wk[w0], b = wk[w0 + 1], c = wk[w0 + 2];
        if (sw == 1 && dw == 1) {
            // constant offsets: the loop the JIT vectorises
            for (int ox = from; ox < to; ox++) o[row + ox] = o[row + ox] + a * p[src + ox] + b * p[src + ox + 1] + c * p[src + ox + 2];
        } else if (sw == 1) {
            for (int ox = from; ox < to; ox++) {
                int i = src + ox;
                o[row + ox] = o[row + ox] + a * p[i] + b * p[i + dw] + c * p[i + 2 * dw];
            }
        } else {
            for (int ox = from; ox < to; ox++) {
                int i = src + ox * sw;
                o[row + ox] = o[row + ox] + a * p[i] + b * p[i + dw] + c * p[i + 2 * dw];
            }
        }
    }

    private static void interior5(float[] o, int row, float[] p, int src, float[] wk, int w0, int from, int to, int sw, int dw) {
        float a = wk[w0], b = wk[w0 + 1], c = wk[w0 + 2], d = wk[w0 + 3], e = wk[w0 + 4];
        if (sw == 1 && dw == 1) {
            for (int ox = from; ox < to; ox++) {
                o[row + ox] = o[row + ox] + a * p[src + ox] + b * p[src + ox + 1] + c * p[src + ox + 2] + d * p[src + ox + 3] + e * p[src + ox + 4];
            }
            return;
        }
        for (int ox = from; ox < to; ox++) {
            int i = src + ox * sw;
            o[row + ox] = o[row + ox] + a * p[i] + b * p[i + dw] + c * p[i + 2 * dw] + d * p[i + 3 * dw] + e * p[i + 4 * dw];
        }
    }

    static float[] toArray(FloatBuffer b, int n) {
        float[] f = new float[n];
        b.get(0, f, 0, n);
        return f;
    }
}
