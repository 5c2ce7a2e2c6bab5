package dev.demandlayering.runtime.graph;

import java.util.Arrays;

/** Small helpers over int[] shapes. */
public final class Shapes {
    private Shapes() {
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Normalises a possibly negative axis against a rank, or throws naming the axis. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Numpy-style multidirectional broadcast of two shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
