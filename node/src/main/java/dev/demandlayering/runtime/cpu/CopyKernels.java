package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.nio.FloatBuffer;

/** Data movement: Reshape (a copy), Concat, Split, Slice, Transpose and Pad. */
final class CopyKernels implements Kernel {
    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        switch (node.opType()) {
            case "Reshape" -> out[0].data().put(0, in[0].data(), 0, in[0].size());
            case "Concat" -> concat(node.attributes().getInt("axis", 0), in, out[0]);
            case "Split" -> split(node.attributes().getInt("axis", 0), in[0], out);
            case "Slice" -> strided(in[0], out[0], node.attributes().getInts("starts", null), node.attributes().getInts("steps", null));
            case "Transpose" -> transpose(in[0], out[0], node.attributes().getInts("perm", null));
            case "Pad" -> pad(node, in[0], out[0]);
            default -> throw new IllegalStateException("not a copy op: " + node.opType());
        }
    }

    private static void concat(int axis, TensorView[] in, TensorView out) {
        int[] os = out.shape();
        if (out.size() == 0) return;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= os[i];
        int inner = (int) (Shapes.size(os) / outer / os[axis]);
        int outRow = os[axis] * inner;
        int at = 0;
        for (TensorView t : in) {
            int rowLen = t.shape()[axis] * inner;
            for (int o = 0; o < outer; o++) out.data().put((int) (o * outRow + at), t.data(), o * rowLen, rowLen);
            at += rowLen;
        }
    }

    private static void split(int axis, TensorView in, TensorView[] out) {
        int[] is = in.shape();
        if (in.size() == 0) return;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= is[i];
        int inner = (int) (Shapes.size(is) / outer / is[axis]);
        int inRow = is[axis] * inner;
        int at = 0;
        for (TensorView t : out) {
            int rowLen = t.shape()[axis] * inner;
            for (int o = 0; o < outer; o++) t.data().put(o * rowLen, in.data(), (int) (o * inRow + at), rowLen);
            at += rowLen;
        }
    }

    /** out[idx] = in[start + idx * step] per axis; contiguous innermost runs are bulk-copied. */
    private static void strided(TensorView in, TensorView out, int[] start, int[] step) {
        int[] os = out.shape();
        int rank = os.length;
        int n = out.size();
        if (n == 0) return;
        int[] is = Shapes.strides(in.shape());
        int last = rank - 1;
        boolean runCopy = step[last] == 1;
        int run = runCopy ? os[last] : 1;
        int[] idx = new int[rank];
        FloatBuffer src = in.data(), dst = out.data();
        for (int o = 0; o < n; o += run) {
            int off = 0;
            for (int d = 0; d < rank; d++) off += (start[d] + idx[d] * step[d]) * is[d];
            if (runCopy) {
                dst.put(o, src, off, run);
            } else {
                dst.put(o, src.get(off));
            }
            for (int d = runCopy ? last - 1 : last; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
    }

    private static void transpose(TensorView in, TensorView out, int[] perm) {
        int[] xs = in.shape();
        int rank = xs.length;
        int[] is = Shapes.strides(xs);
        int[] st = new int[rank];
        int[] start = new int[rank];
        for (int i = 0; i < rank; i++) st[i] = is[perm[i]];
        // view the input through permuted strides: reuse the strided walker on a permuted view
        int[] os = out.shape();
        int n = out.size();
        float[] src = new float[in.size()];
        in.data().get(0, src, 0, src.length);
        float[] dst = new float[n];
        int[] idx = new int[rank];
        int off = 0;
        for (int o = 0; o < n; o++) {
            dst[o] = src[off];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < os[d]) break;
                off -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        out.data().put(0, dst, 0, n);
    }

    private static void pad(Node node, TensorView in, TensorView out) {
        long[] pads = node.attributes().getLongs("pads", null);
        String mode = node.attributes().getString("mode", "constant");
        float value = node.attributes().getFloat("value", 0f);
        int[] xs = in.shape(), os = out.shape();
        int rank = xs.length;
        int[] is = Shapes.strides(xs);
        float[] src = new float[in.size()];
        in.data().get(0, src, 0, src.length);
        int n = out.size();
        float[] dst = new float[n];
        int[] idx = new int[rank];
        for (int o = 0; o < n; o++) {
            int off = 0;
            boolean outside = false;
            for (int d = 0; d < rank; d++) {
                int i = idx[d] - (int) pads[d];
                if (i < 0 || i >= xs[d]) {
                    switch (mode) {
                        case "edge" -> i = Math.max(0, Math.min(xs[d] - 1, i));
                        case "reflect" -> i = reflect(i, xs[d]);
                        default -> outside = true;
                    }
                }
                off += i * is[d];
            }
            dst[o] = outside ? value : src[off];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
        out.data().put(0, dst, 0, n);
    }

    private static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
