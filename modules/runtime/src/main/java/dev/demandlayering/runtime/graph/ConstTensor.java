package dev.demandlayering.runtime.graph;

import java.util.Arrays;

/**
 * A constant tensor known at import time: a float weight, or an integer tensor (shapes, axes, indices)
 * that is folded into attributes before execution. Exactly one of {@code floats} and {@code longs} is set.
 */
public final class ConstTensor {
    private final int[] shape;
    private final float[] floats;
    private final long[] longs;

    private ConstTensor(int[] shape, float[] floats, long[] longs) {
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = Shapes.size(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException("constant of shape " + Arrays.toString(shape) + " needs " + n
                    + " elements but has " + have);
        }
    }

    public static ConstTensor ofFloats(int[] shape, float[] data) {
        return new ConstTensor(shape, data, null);
    }

    public static ConstTensor ofLongs(int[] shape, long[] data) {
        return new ConstTensor(shape, null, data);
    }

    public DataType type() {
        return floats != null ? DataType.FLOAT : DataType.INT64;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** The values as floats (integers converted). */
    public float[] floats() {
        if (floats != null) return floats;
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) f[i] = longs[i];
        return f;
    }

    /** The values as longs (floats truncated toward zero). */
    public long[] longs() {
        if (longs != null) return longs;
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
        return l;
    }

    public int[] ints() {
        long[] l = longs();
        int[] r = new int[l.length];
        for (int i = 0; i < r.length; i++) r[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l[i]));
        return r;
    }

    public ConstTensor reshaped(int[] newShape) {
        return new ConstTensor(newShape, floats, longs);
    }
}
