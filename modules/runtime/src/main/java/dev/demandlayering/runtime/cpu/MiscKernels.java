package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;

/** Softmax and stand-alone BatchNormalization (the one that could not be folded into a Conv). */
final class MiscKernels implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        if (node.opType().equals("Softmax")) {
            softmax(node, in[0], out[0]);
        } else {
            batchNorm(node, in, out[0]);
        }
    }

    private static void softmax(Node node, TensorView in, TensorView out) {
        int[] s = in.shape();
        int axis = node.attributes().getInt("axis", s.length - 1);
        boolean coerce = node.attributes().getInt("coerce", 0) == 1;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        int len, inner;
        if (coerce) {
            len = (int) (Shapes.size(s) / outer);
            inner = 1;
        } else {
            len = s[axis];
            inner = (int) (Shapes.size(s) / outer / len);
        }
        int lanes = (int) outer * inner;
        int fl = len, fi = inner;
        Parallel.forEach(lanes, lane -> {
            int o = lane / fi, i = lane % fi;
            int base = o * fl * fi + i;
            float[] v = Scratch.get().floats(0, fl);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < fl; j++) {
                v[j] = in.data().get(base + j * fi);
                max = Math.max(max, v[j]);
            }
            double sum = 0;
            for (int j = 0; j < fl; j++) {
                v[j] = (float) Math.exp(v[j] - max);
                sum += v[j];
            }
            for (int j = 0; j < fl; j++) out.data().put(base + j * fi, (float) (v[j] / sum));
        });
    }

    private static void batchNorm(Node node, TensorView[] in, TensorView out) {
        int[] s = in[0].shape();
        int c = s.length > 1 ? s[1] : 1;
        int plane = (int) (Shapes.size(s) / s[0] / c);
        float eps = node.attributes().getFloat("epsilon", 1e-5f);
        Parallel.forEach(s[0] * c, t -> {
            int ch = t % c;
            float scale = (float) (in[1].data().get(ch) / Math.sqrt(in[4].data().get(ch) + eps));
            float shift = in[2].data().get(ch) - in[3].data().get(ch) * scale;
            float[] v = Scratch.get().floats(0, plane);
            in[0].data().get(t * plane, v, 0, plane);
            for (int i = 0; i < plane; i++) v[i] = v[i] * scale + shift;
            out.data().put(t * plane, v, 0, plane);
        });
    }
}
