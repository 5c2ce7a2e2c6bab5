package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;

/** Resize of the last two axes, nearest or (bi)linear, with ONNX coordinate transformation modes. */
final class ResizeKernel implements Kernel {
    /** Linear passes on {@link VectorResize} where the Vector API kernels are enabled (the same bits either way). */
    private static final boolean VECTOR = VectorSupport.enabled();

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        Attributes a = node.attributes();
        int[] x = in[0].shape(), y = out[0].shape();
        int r = x.length;
        int ih = r >= 2 ? x[r - 2] : 1, iw = x[r - 1];
        int oh = r >= 2 ? y[r - 2] : 1, ow = y[r - 1];
        float[] sc = a.getFloats("scales", null);
        float sy = r >= 2 ? sc[r - 2] : 1f, sx = sc[r - 1];
        String coord = a.getString("coordinate_transformation_mode", "half_pixel");
        String nearestMode = a.getString("nearest_mode", "round_prefer_floor");
        boolean linear = a.getString("mode", "nearest").equals("linear");
        int planes = (int) (in[0].size() / ((long) ih * iw));
        Axis ay = new Axis(ih, oh, sy, coord, nearestMode, linear);
        Axis ax = new Axis(iw, ow, sx, coord, nearestMode, linear);
        Parallel.forEach(planes, pl -> {
            Scratch s = Scratch.get();
            float[] v = s.floats(0, ih * iw), o = s.floats(1, oh * ow);
            in[0].data().get(pl * ih * iw, v, 0, ih * iw);
            if (linear) {
                // separable: each input row interpolated along x once, then rows blended along y (the same
                // products and sums as the four-tap formula, so the same bits)
                float[] hx = s.floats(2, ih * ow);
                for (int iy = 0; iy < ih; iy++) alongX(v, iy * iw, ax, hx, iy * ow, ow);
                for (int oy = 0; oy < oh; oy++) alongY(hx, ay.i0[oy] * ow, ay.i1[oy] * ow, 1 - ay.f[oy], ay.f[oy], o, oy * ow, ow);
            } else {
                for (int oy = 0; oy < oh; oy++) {
                    int src = ay.i0[oy] * iw, d = oy * ow;
                    for (int ox = 0; ox < ow; ox++) o[d + ox] = v[src + ax.i0[ox]];
                }
            }
            out[0].data().put(pl * oh * ow, o, 0, oh * ow);
        });
    }

    private static void alongX(float[] v, int src, Axis ax, float[] out, int d, int n) {
        if (VECTOR) {
            VectorResize.alongX(v, src, ax.i0, ax.i1, ax.g, ax.f, out, d, n);
            return;
        }
        for (int o = 0; o < n; o++) out[d + o] = v[src + ax.i0[o]] * ax.g[o] + v[src + ax.i1[o]] * ax.f[o];
    }

    private static void alongY(float[] rows, int top, int bottom, float gy, float fy, float[] out, int d, int n) {
        if (VECTOR) {
            VectorResize.alongY(rows, top, bottom, gy, fy, out, d, n);
            return;
        }
        for (int x = 0; x < n; x++) out[d + x] = rows[top + x] * gy + rows[bottom + x] * fy;
    }

    /** Source indices and weights along one axis ({@code g = 1 - f}, the weight of {@code i0}). */
    private static final class Axis {
        final int[] i0, i1;
        final float[] f, g;

        Axis(int in, int out, float scale, String coord, String nearestMode, boolean linear) {
            i0 = new int[out];
            i1 = new int[out];
            f = new float[out];
            g = new float[out];
            for (int o = 0; o < out; o++) {
                double src = switch (coord) {
                    case "asymmetric" -> o / (double) scale;
                    // ONNX uses the unrounded output length in * scale here
                    case "align_corners" -> in * (double) scale <= 1 ? 0 : o * (in - 1) / (in * (double) scale - 1);
                    case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
                    case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
                    default -> (o + 0.5) / scale - 0.5;
                };
                if (linear) {
                    double c = Math.max(0, Math.min(in - 1, src));
                    int lo = (int) Math.floor(c);
                    i0[o] = lo;
                    i1[o] = Math.min(in - 1, lo + 1);
                    f[o] = (float) (c - lo);
                    g[o] = 1 - f[o];
                } else {
                    int idx = switch (nearestMode) {
                        case "floor" -> (int) Math.floor(src);
                        case "ceil" -> (int) Math.ceil(src);
                        case "round_prefer_ceil" -> (int) Math.floor(src + 0.5);
                        default -> (int) Math.ceil(src - 0.5); // round_prefer_floor
                    };
                    i0[o] = Math.max(0, Math.min(in - 1, idx));
                }
            }
        }
    }
}
