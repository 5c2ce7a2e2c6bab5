package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Shapes;

/** Index maps for numpy broadcasting: element i of the output reads element map[i] of the input. */
public final class Broadcast {
    private Broadcast() {
    }

    public static int[] indexMap(int[] in, int[] out) {
        int n = (int) Shapes.size(out);
        int[] map = new int[n];
        int rank = out.length;
        int[] inStrides = new int[rank];
        int[] s = Shapes.strides(in);
        for (int i = 0; i < in.length; i++) {
            int d = rank - in.length + i;
            inStrides[d] = in[i] == 1 ? 0 : s[i];
        }
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += inStrides[d];
                if (idx[d] < out[d]) break;
                off -= inStrides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
