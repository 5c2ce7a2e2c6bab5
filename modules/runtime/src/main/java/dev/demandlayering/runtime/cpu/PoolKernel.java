package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import java.util.Arrays;

/**
 * MaxPool, AveragePool (1-D treated as H=1) and GlobalAveragePool, one channel plane per task. Each output row
 * folds in, per window tap, the input row shifted by the tap over the columns where it is inside the input:
 * branch-free loops in tap order, so each element is reduced in the same order as a per-window loop.
 */
final class PoolKernel implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int[] x = in[0].shape();
        int planes = x[0] * x[1];
        int h = x.length == 4 ? x[2] : 1, w = x[x.length - 1];
        int hw = 1;
        for (int i = 2; i < x.length; i++) hw *= x[i];
        if (node.opType().equals("GlobalAveragePool")) {
            int area = hw;
            Parallel.forEach(planes, pl -> {
                float[] v = Scratch.get().floats(0, area);
                in[0].data().get(pl * area, v, 0, area);
                double sum = 0;
                for (int i = 0; i < area; i++) sum += v[i];
                out[0].data().put(pl, (float) (sum / area));
            });
            return;
        }
        Attributes a = node.attributes();
        int[] k = a.getInts("kernel_shape", null), s = a.getInts("strides", null), d = a.getInts("dilations", null);
        int[] p = a.getInts("pads", null), o = a.getInts("out_spatial", null);
        boolean max = node.opType().equals("MaxPool");
        boolean includePad = a.getInt("count_include_pad", 0) == 1;
        int fh = h, fw = w, oh = o[0], ow = o[1];
        if (max && x.length == 4 && in[0].vector()) {
            VectorMaxPool.run(in[0].data(), out[0].data(), planes, h, w, k, s, d, p, oh, ow);
            return;
        }
        if (!max && oh == 1 && ow == 1 && k[0] == h && k[1] == w && d[0] == 1 && d[1] == 1 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) {
            // one window over the whole plane: the taps in row order are the plane in memory order
            boolean vector = in[0].vector();
            Parallel.forEach(planes, pl -> {
                float[] v = Scratch.get().floats(0, fh * fw);
                in[0].data().get(pl * fh * fw, v, 0, fh * fw);
                float sum = 0f;
                if (vector) {
                    sum = VectorReduce.sum(v, 0, fh * fw);
                } else {
                    for (int i = 0; i < fh * fw; i++) sum += v[i];
                }
                out[0].data().put(pl, sum / (fh * fw));
            });
            return;
        }
        Axis ay = new Axis(fh, oh, k[0], s[0], d[0], p[0], p[2], includePad);
        Axis ax = new Axis(fw, ow, k[1], s[1], d[1], p[1], p[3], includePad);
        Parallel.forEach(planes, pl -> {
            Scratch sc = Scratch.get();
            float[] v = sc.floats(0, fh * fw);
            float[] r = sc.floats(1, oh * ow);
            float[] tap = sc.floats(2, ow);
            in[0].data().get(pl * fh * fw, v, 0, fh * fw);
            Arrays.fill(r, 0, oh * ow, max ? Float.NEGATIVE_INFINITY : 0f);
            for (int oy = 0; oy < oh; oy++) {
                int row = oy * ow;
                for (int ky = 0; ky < k[0]; ky++) {
                    int iy = oy * s[0] - p[0] + ky * d[0];
                    if (iy < 0 || iy >= fh) continue;
                    for (int kx = 0; kx < k[1]; kx++) {
                        int src = iy * fw + kx * d[1] - p[1];
                        int lo = ax.lo[kx], hi = ax.hi[kx], st = s[1];
                        if (max) {
                            // Math.max is a branch-free (vector) max, where real activations make a comparison
                            // unpredictable; a strided tap is gathered first so that the max loop vectorises
                            if (st == 1) {
                                for (int ox = lo; ox < hi; ox++) r[row + ox] = Math.max(r[row + ox], v[src + ox]);
                            } else {
                                for (int ox = lo; ox < hi; ox++) tap[ox] = v[src + ox * st];
                                for (int ox = lo; ox < hi; ox++) r[row + ox] = Math.max(r[row + ox], tap[ox]);
                            }
                        } else {
                            for (int ox = lo; ox < hi; ox++) r[row + ox] += v[src + ox * st];
                        }
                    }
                }
                if (!max) {
                    for (int ox = 0; ox < ow; ox++) {
                        int count = ay.count[oy] * ax.count[ox];
                        r[row + ox] = count == 0 ? 0f : r[row + ox] / count;
                    }
                }
            }
            out[0].data().put(pl * oh * ow, r, 0, oh * ow);
        });
    }

    /** One spatial axis: per tap, the output positions whose input lies inside; per output, the averaged count. */
    private static final class Axis {
        final int[] lo, hi, count;

        Axis(int in, int out, int k, int stride, int dil, int padBegin, int padEnd, boolean includePad) {
            lo = new int[k];
            hi = new int[k];
            for (int t = 0; t < k; t++) {
                int shift = t * dil - padBegin;
                lo[t] = shift >= 0 ? 0 : Math.min(out, (-shift + stride - 1) / stride);
                hi[t] = in - 1 - shift < 0 ? lo[t] : Math.max(lo[t], Math.min(out, (in - 1 - shift) / stride + 1));
            }
            count = new int[out];
            for (int o = 0; o < out; o++) {
                int start = o * stride - padBegin;
                if (includePad) {
                    // the window clipped to the padded input, as ONNX counts it
                    int end = Math.min(start + (k - 1) * dil + 1, in + padEnd);
                    count[o] = (end - start + dil - 1) / dil;
                } else {
                    int c = 0;
                    for (int t = 0; t < k; t++) {
                        int i = start + t * dil;
                        if (i >= 0 && i < in) c++;
                    }
                    count[o] = c;
                }
            }
        }
    }
}
