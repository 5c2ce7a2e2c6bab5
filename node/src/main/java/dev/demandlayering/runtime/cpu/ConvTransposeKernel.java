package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;

/** Transposed 2-D convolution by scattering each input pixel through the kernel, per output channel. */
final class ConvTransposeKernel implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        Attributes a = node.attributes();
        int[] x = in[0].shape(), w = in[1].shape(), y = out[0].shape();
        int n = x[0], c = x[1], h = x[2], wd = x[3];
        int group = a.getInt("group", 1);
        int mg = w[1], cg = c / group, kh = w[2], kw = w[3];
        int m = y[1], oh = y[2], ow = y[3];
        int[] s = a.getInts("strides", null), d = a.getInts("dilations", null), p = a.getInts("pads", null);
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
}
