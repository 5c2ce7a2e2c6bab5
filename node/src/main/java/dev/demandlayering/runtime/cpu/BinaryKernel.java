package dev.demandlayering.runtime.cpu;

import dev.demandlayering.runtime.graph.Node;
import java.util.Arrays;

/**
 * Add, Sub, Mul, Div with numpy broadcasting, in heap chunks. An operand with the output's shape is copied
 * in bulk; a broadcast operand is gathered through an index map.
 */
final class BinaryKernel implements Kernel {
    private static final int CHUNK = 8192;

    @Override
    public void run(Node node, TensorView[] in, TensorView[] out) {
        int[] os = out[0].shape();
        int n = out[0].size();
        int op = switch (node.opType()) {
            case "Add" -> 0;
            case "Sub" -> 1;
            case "Mul" -> 2;
            default -> 3;
        };
        int[] aMap = full(in[0].shape(), os) ? null : dev.demandlayering.runtime.ops.Broadcast.indexMap(in[0].shape(), os);
        int[] bMap = full(in[1].shape(), os) ? null : dev.demandlayering.runtime.ops.Broadcast.indexMap(in[1].shape(), os);
        // a broadcast operand is smaller than the output: gather it from a heap copy
        float[] aSmall = aMap == null ? null : heap(in[0]), bSmall = bMap == null ? null : heap(in[1]);
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> {
            int off = c * CHUNK;
            int len = Math.min(CHUNK, n - off);
            Scratch s = Scratch.get();
            float[] x = s.floats(0, len), y = s.floats(1, len);
            gather(in[0], aMap, aSmall, off, len, x);
            gather(in[1], bMap, bSmall, off, len, y);
            switch (op) {
                case 0 -> { for (int i = 0; i < len; i++) x[i] = x[i] + y[i]; }
                case 1 -> { for (int i = 0; i < len; i++) x[i] = x[i] - y[i]; }
                case 2 -> { for (int i = 0; i < len; i++) x[i] = x[i] * y[i]; }
                default -> { for (int i = 0; i < len; i++) x[i] = x[i] / y[i]; }
            }
            out[0].data().put(off, x, 0, len);
        });
    }

    private static void gather(TensorView t, int[] map, float[] small, int off, int len, float[] dst) {
        if (map == null) {
            t.data().get(off, dst, 0, len);
        } else {
            for (int i = 0; i < len; i++) dst[i] = small[map[off + i]];
        }
    }

    private static float[] heap(TensorView t) {
        float[] f = new float[t.size()];
        t.data().get(0, f, 0, f.length);
        return f;
    }

    /** True when the operand, left-padded with ones, equals the output shape (no broadcast needed). */
    private static boolean full(int[] s, int[] os) {
        if (s.length > os.length) return false;
        int[] p = new int[os.length];
        Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, os.length - s.length, s.length);
        return Arrays.equals(p, os);
    }
}
