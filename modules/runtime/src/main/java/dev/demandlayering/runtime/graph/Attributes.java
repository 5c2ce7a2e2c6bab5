package dev.demandlayering.runtime.graph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A node's attributes: Long, Float, String, long[], float[] or ConstTensor values keyed by name. */
public final class Attributes {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public Attributes put(String name, Object value) {
        if (value instanceof Integer i) value = (long) i;
        if (value instanceof Double d) value = (float) (double) d;
        if (value instanceof int[] ia) value = Arrays.stream(ia).asLongStream().toArray();
        values.put(name, value);
        return this;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object raw(String name) {
        return values.get(name);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public void remove(String name) {
        values.remove(name);
    }

    public long getLong(String name, long dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Long l) return l;
        if (v instanceof Float f) return (long) (float) f;
        throw new IllegalArgumentException("attribute " + name + " is not an integer: " + describe(v));
    }

    public int getInt(String name, int dflt) {
        return (int) getLong(name, dflt);
    }

    public float getFloat(String name, float dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof Float f) return f;
        if (v instanceof Long l) return l;
        throw new IllegalArgumentException("attribute " + name + " is not a float: " + describe(v));
    }

    public String getString(String name, String dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw new IllegalArgumentException("attribute " + name + " is not a string: " + describe(v));
    }

    public int[] getInts(String name, int[] dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof long[] l) {
            int[] r = new int[l.length];
            for (int i = 0; i < r.length; i++) r[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l[i]));
            return r;
        }
        if (v instanceof Long l) return new int[] {(int) (long) l};
        throw new IllegalArgumentException("attribute " + name + " is not a list of integers: " + describe(v));
    }

    public long[] getLongs(String name, long[] dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof long[] l) return l;
        if (v instanceof Long l) return new long[] {l};
        throw new IllegalArgumentException("attribute " + name + " is not a list of integers: " + describe(v));
    }

    public float[] getFloats(String name, float[] dflt) {
        Object v = values.get(name);
        if (v == null) return dflt;
        if (v instanceof float[] f) return f;
        if (v instanceof long[] l) {
            float[] r = new float[l.length];
            for (int i = 0; i < r.length; i++) r[i] = l[i];
            return r;
        }
        if (v instanceof Float f) return new float[] {f};
        throw new IllegalArgumentException("attribute " + name + " is not a list of floats: " + describe(v));
    }

    public ConstTensor getTensor(String name) {
        Object v = values.get(name);
        return v instanceof ConstTensor t ? t : null;
    }

    private static String describe(Object v) {
        if (v instanceof long[] l) return Arrays.toString(l);
        if (v instanceof float[] f) return Arrays.toString(f);
        return String.valueOf(v);
    }

    public Attributes copy() {
        Attributes a = new Attributes();
        a.values.putAll(values);
        return a;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(describe(v)));
        return sb.append('}').toString();
    }
}
