package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;

/** Output shapes of canonical nodes (after {@link Canonicalizer}); every shape is static. */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static int[][] infer(Node n, GraphNormalizer.ShapeLookup shapes) {
        Attributes a = n.attributes();
        int[] x = n.inputs().isEmpty() || n.input(0).isEmpty() ? null : shapes.shape(n.input(0));
        Operators.Operator op = Operators.get(n.opType());
        if (op != null && op.shape() == Operators.ShapeRule.SAME_AS_INPUT) return new int[][] {x.clone()};
        if (op != null && op.shape() == Operators.ShapeRule.BROADCAST) return new int[][] {Shapes.broadcast(x, shapes.shape(n.input(1)))};
        switch (n.opType()) {
            case "Conv" -> {
                int[] w = shapes.shape(n.input(1));
                int[] k = a.getInts("kernel_shape", null), s = a.getInts("strides", null), d = a.getInts("dilations", null);
                int[] p = a.getInts("pads", null);
                if (k[0] != w[2] || k[1] != w[3]) throw new IllegalArgumentException("kernel_shape does not match weight " + Shapes.str(w));
                checkBias(n, shapes, w[0]);
                return one(x[0], w[0], ConvGeometry.outSize(x[2], k[0], s[0], d[0], p[0], p[2], false),
                        ConvGeometry.outSize(x[3], k[1], s[1], d[1], p[1], p[3], false));
            }
            case "ConvTranspose" -> {
                int[] w = shapes.shape(n.input(1));
                int group = a.getInt("group", 1);
                if (w[0] != x[1]) throw new IllegalArgumentException("input has " + x[1] + " channels, weight " + Shapes.str(w) + " expects " + w[0]);
                int[] o = a.getInts("out_spatial", null);
                checkBias(n, shapes, w[1] * group);
                return one(x[0], w[1] * group, o[0], o[1]);
            }
            case "MaxPool", "AveragePool" -> {
                int[] o = a.getInts("out_spatial", null);
                return x.length == 3 ? one(x[0], x[1], o[1]) : one(x[0], x[1], o[0], o[1]);
            }
            case "GlobalAveragePool" -> {
                int[] o = x.clone();
                for (int i = 2; i < o.length; i++) o[i] = 1;
                return new int[][] {o};
            }
            case "Gemm" -> {
                int[] b = shapes.shape(n.input(1));
                if (x.length != 2 || b.length != 2) throw new IllegalArgumentException("Gemm needs 2-D inputs, got " + Shapes.str(x) + " and " + Shapes.str(b));
                boolean ta = a.getInt("transA", 0) == 1, tb = a.getInt("transB", 0) == 1;
                int m = ta ? x[1] : x[0], k = ta ? x[0] : x[1];
                int kb = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
                if (k != kb) throw new IllegalArgumentException("Gemm inner dimensions differ: " + k + " vs " + kb);
                if (!n.input(2).isEmpty()) Shapes.broadcast(shapes.shape(n.input(2)), new int[] {m, nn});
                return one(m, nn);
            }
            case "MatMul" -> {
                return new int[][] {matmul(x, shapes.shape(n.input(1)))};
            }
            case "Concat" -> {
                int axis = a.getInt("axis", 0);
                int[] o = x.clone();
                o[axis] = 0;
                for (String in : n.inputs()) {
                    int[] s = shapes.shape(in);
                    if (s.length != x.length) throw new IllegalArgumentException("Concat inputs differ in rank: " + Shapes.str(x) + " vs " + Shapes.str(s));
                    for (int i = 0; i < s.length; i++) {
                        if (i != axis && s[i] != x[i]) throw new IllegalArgumentException("Concat inputs differ off the axis: " + Shapes.str(x) + " vs " + Shapes.str(s));
                    }
                    o[axis] += s[axis];
                }
                return new int[][] {o};
            }
            case "Split" -> {
                int axis = a.getInt("axis", 0);
                int[] split = a.getInts("split", null);
                int[][] o = new int[split.length][];
                for (int i = 0; i < split.length; i++) {
                    o[i] = x.clone();
                    o[i][axis] = split[i];
                }
                return o;
            }
            case "Slice", "Resize" -> {
                return new int[][] {a.getInts("sizes", null)};
            }
            case "Reshape" -> {
                int[] o = a.getInts("shape", null);
                if (Shapes.size(o) != Shapes.size(x)) throw new IllegalArgumentException("reshape " + Shapes.str(x) + " to " + Shapes.str(o));
                return new int[][] {o};
            }
            case "Transpose" -> {
                int[] perm = a.getInts("perm", null);
                if (perm.length != x.length) throw new IllegalArgumentException("perm length " + perm.length + " for rank " + x.length);
                int[] o = new int[x.length];
                for (int i = 0; i < o.length; i++) o[i] = x[perm[i]];
                return new int[][] {o};
            }
            case "Pad" -> {
                long[] pads = a.getLongs("pads", null);
                int[] o = x.clone();
                for (int i = 0; i < o.length; i++) o[i] += (int) (pads[i] + pads[i + o.length]);
                return new int[][] {o};
            }
            case "Gather" -> {
                int axis = a.getInt("axis", 0);
                int[] idx = shapes.shape(n.input(1));
                int[] o = new int[x.length - 1 + idx.length];
                int j = 0;
                for (int i = 0; i < axis; i++) o[j++] = x[i];
                for (int d : idx) o[j++] = d;
                for (int i = axis + 1; i < x.length; i++) o[j++] = x[i];
                return new int[][] {o};
            }
            case "SparseToDense" -> {
                return new int[][] {new int[0]}; // resolved by the folder from output_shape
            }
            case "ConstantOfShape" -> {
                return new int[][] {new int[0]}; // resolved by the folder from the value
            }
            default -> throw new IllegalArgumentException("no shape rule for " + n.opType());
        }
    }

    private static void checkBias(Node n, GraphNormalizer.ShapeLookup shapes, int channels) {
        if (n.input(2).isEmpty()) return;
        int[] b = shapes.shape(n.input(2));
        if (Shapes.size(b) != channels) throw new IllegalArgumentException("bias " + Shapes.str(b) + " does not match " + channels + " output channels");
    }

    static int[] matmul(int[] a, int[] b) {
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        if (a2[a2.length - 1] != b2[b2.length - 2]) {
            throw new IllegalArgumentException("MatMul inner dimensions differ: " + Shapes.str(a) + " x " + Shapes.str(b));
        }
        int[] batchA = java.util.Arrays.copyOf(a2, a2.length - 2);
        int[] batchB = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int[] o = java.util.Arrays.copyOf(batch, batch.length + 2);
        o[batch.length] = a2[a2.length - 2];
        o[batch.length + 1] = b2[b2.length - 1];
        if (a.length == 1) o = removeAxis(o, o.length - 2);
        if (b.length == 1) o = removeAxis(o, o.length - 1);
        return o;
    }

    private static int[] removeAxis(int[] s, int axis) {
        int[] o = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != axis) o[j++] = s[i];
        return o;
    }

    private static int[][] one(int... dims) {
        return new int[][] {dims};
    }
}
