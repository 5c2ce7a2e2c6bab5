package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;

/** MaxPool, AveragePool (1-D treated as H=1) and GlobalAveragePool, one channel plane per task. */
final class PoolKernel implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int[] x = in[0].shape();
        int planes = x[0] * x[1];
        int h = x.length == 4 ? x[2] : 1, w = x[x.length - 1];
        if (x.length == 3) h = 1;
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
        Parallel.forEach(planes, pl -> {
            Scratch sc = Scratch.get();
            float[] v = sc.floats(0, fh * fw);
            float[] r = sc.floats(1, oh * ow);
            in[0].data().get(pl * fh * fw, v, 0, fh * fw);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    float sum = 0f;
                    int count = 0;
                    int y0 = oy * s[0] - p[0], x0 = ox * s[1] - p[1];
                    for (int ky = 0; ky < k[0]; ky++) {
                        int iy = y0 + ky * d[0];
                        if (iy < 0 || iy >= fh) continue;
                        for (int kx = 0; kx < k[1]; kx++) {
                            int ix = x0 + kx * d[1];
                            if (ix < 0 || ix >= fw) continue;
                            float val = v[iy * fw + ix];
                            if (val > best) best = val;
                            sum += val;
                            count++;
                        }
                    }
                    if (max) {
                        r[oy * ow + ox] = best;
                    } else {
                        if (includePad) {
                            // the window clipped to the padded input, as ONNX counts it
                            int ye = Math.min(y0 + (k[0] - 1) * d[0] + 1, fh + p[2]), xe = Math.min(x0 + (k[1] - 1) * d[1] + 1, fw + p[3]);
                            count = ((ye - y0 + d[0] - 1) / d[0]) * ((xe - x0 + d[1] - 1) / d[1]);
                        }
                        r[oy * ow + ox] = count == 0 ? 0f : sum / count;
                    }
                }
            }
            out[0].data().put(pl * oh * ow, r, 0, oh * ow);
        });
    }
}
