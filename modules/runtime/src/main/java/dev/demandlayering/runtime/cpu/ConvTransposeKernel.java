package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.nio.FloatBuffer;

/**
 * Transposed 2-D convolution. With OpenBLAS, per group and block of input rows, one product makes every
 * kernel tap's contribution (cols[(co, ky, kx), pixel] = W^T x X, both read in place) and col2im adds them into
 * the output rows; without it, each input pixel is scattered through the kernel per output channel.
 */
final class ConvTransposeKernel implements Kernel {
    private static final int BLOCK_FLOATS = 1 << 17;

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        Attributes a = node.attributes();
        int[] x = in[0].shape(), w = in[1].shape(), y = out[0].shape();
        int n = x[0], c = x[1], h = x[2], wd = x[3];
        int group = a.getInt("group", 1);
        int mg = w[1], cg = c / group, kh = w[2], kw = w[3];
        int m = y[1], oh = y[2], ow = y[3];
        int[] s = a.getInts("strides", null), d = a.getInts("dilations", null), p = a.getInts("pads", null);
        if (in[0].nativeFloats() && in[1].nativeFloats() && out[0].nativeFloats()) {
            new Native(in, out[0], group, s, d, p).run();
            return;
        }
        float[] xs = new float[in[0].size()];
        in[0].data().get(0, xs, 0, xs.length);
        float[] ws = new float[in[1].size()];
        in[1].data().get(0, ws, 0, ws.length);
        Parallel.forEach(n * m, t -> {
            int img = t / m, co = t % m;
            int grp = co / mg, col = co % mg;
            float[] acc = Scratch.get().floats(0, oh * ow);
            float b0 = in.length > 2 ? in[2].data().get(co) : 0f;
            java.util.Arrays.fill(acc, 0, oh * ow, b0);
            for (int ci = grp * cg; ci < (grp + 1) * cg; ci++) {
                int xBase = (img * c + ci) * h * wd;
                int wBase = (ci * mg + col) * kh * kw;
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < wd; ix++) {
                        float v = xs[xBase + iy * wd + ix];
                        for (int ky = 0; ky < kh; ky++) {
                            int oy = iy * s[0] - p[0] + ky * d[0];
                            if (oy < 0 || oy >= oh) continue;
                            for (int kx = 0; kx < kw; kx++) {
                                int ox = ix * s[1] - p[1] + kx * d[1];
                                if (ox < 0 || ox >= ow) continue;
                                acc[oy * ow + ox] += v * ws[wBase + ky * kw + kx];
                            }
                        }
                    }
                }
            }
            out[0].data().put(t * oh * ow, acc, 0, oh * ow);
        });
    }

    /** The OpenBLAS path. */
    private static final class Native {
        final TensorView x, wt, y;
        final FloatBuffer bias;
        final int n, c, h, w, group, mg, cg, kh, kw, kk, m, oh, ow, sh, sw, dh, dw, ph, pw;

        Native(TensorView[] in, TensorView out, int group, int[] s, int[] d, int[] p) {
            x = in[0];
            wt = in[1];
            y = out;
            bias = in.length > 2 ? in[2].data() : null;
            int[] xs = x.shape(), ws = wt.shape(), ys = y.shape();
            n = xs[0];
            c = xs[1];
            h = xs[2];
            w = xs[3];
            this.group = group;
            mg = ws[1];
            cg = c / group;
            kh = ws[2];
            kw = ws[3];
            kk = kh * kw;
            m = ys[1];
            oh = ys[2];
            ow = ys[3];
            sh = s[0];
            sw = s[1];
            dh = d[0];
            dw = d[1];
            ph = p[0];
            pw = p[1];
        }

        void run() {
            // bias first: every tap then adds into the output
            Parallel.forEach(n * m, t -> {
                float[] row = Scratch.get().floats(0, oh * ow);
                java.util.Arrays.fill(row, 0, oh * ow, bias == null ? 0f : bias.get(t % m));
                y.data().put(t * oh * ow, row, 0, oh * ow);
            });
            // taps that cannot overlap (kernel <= stride) write disjoint output rows per input-row block; others
            // keep all of a group's rows in one task so that no two tasks add into the same element
            boolean disjoint = (kh - 1) * dh < sh && (kw - 1) * dw < sw;
            int byScratch = Math.max(1, Math.min(h, BLOCK_FLOATS / Math.max(1, mg * kk * w)));
            int rows = disjoint ? Math.min(byScratch, Math.max(1, (h + 2 * Parallel.threads() - 1) / (2 * Parallel.threads()))) : byScratch;
            int blocks = (h + rows - 1) / rows;
            int perGroup = disjoint ? blocks : 1;
            Parallel.forEach(n * group * perGroup, t -> {
                int img = t / (group * perGroup), grp = (t / perGroup) % group;
                int from = disjoint ? t % perGroup : 0, to = disjoint ? from + 1 : blocks;
                for (int b = from; b < to; b++) block(img, grp, b * rows, Math.min(rows, h - b * rows));
            });
        }

        /** Input rows [iy0, iy0+rows) of one group: one product, then col2im into the output. */
        private void block(int img, int grp, int iy0, int rows) {
            int len = rows * w, taps = mg * kk;
            NativeMemory cols = NativeMemory.scratch(0, taps * len);
            long a = wt.address() + 4L * grp * cg * taps;
            long b = x.address() + 4L * ((img * c + grp * cg) * (long) h * w + iy0 * w);
            NativeBlas.sgemm(true, false, taps, len, cg, 1f, a, taps, b, h * w, 0f, cols.address(), len);
            Scratch s = Scratch.get();
            float[] tap = s.floats(1, len), out = s.floats(2, ow);
            for (int r = 0; r < taps; r++) {
                int co = r / kk, ky = (r % kk) / kw, kx = r % kw;
                cols.floats().get(r * len, tap, 0, len);
                int yPlane = ((img * m) + grp * mg + co) * oh * ow;
                int shift = kx * dw - pw;
                // input columns whose output column ix*sw + shift lies inside [0, ow)
                int lo = shift >= 0 ? 0 : (-shift + sw - 1) / sw, hi = Math.min(w, (ow - 1 - shift) / sw + 1);
                if (ow - 1 - shift < 0) hi = lo;
                for (int iy = iy0; iy < iy0 + rows; iy++) {
                    int oy = iy * sh - ph + ky * dh;
                    if (oy < 0 || oy >= oh || lo >= hi) continue;
                    y.data().get(yPlane + oy * ow, out, 0, ow);
                    int src = (iy - iy0) * w;
                    for (int ix = lo; ix < hi; ix++) out[ix * sw + shift] += tap[src + ix];
                    y.data().put(yPlane + oy * ow, out, 0, ow);
                }
            }
        }
    }
}
