package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;

/** Evaluates shape arithmetic on integer constants at import (Shape -> Gather -> Concat -> Reshape chains). */
final class IntegerFolder {
    private IntegerFolder() {
    }

    static ConstTensor[] evaluate(Node n, ConstTensor[] in, int[][] outShapes) {
        switch (n.opType()) {
            case "Reshape", "Identity" -> {
                return new ConstTensor[] {in[0].reshaped(outShapes[0])};
            }
            case "Concat" -> {
                int total = 0;
                for (ConstTensor t : in) total += t.size();
                long[] o = new long[total];
                int axis = n.attributes().getInt("axis", 0);
                if (outShapes[0].length > 1 && axis != 0) throw new IllegalArgumentException("integer Concat only along axis 0 of 1-D tensors");
                int p = 0;
                for (ConstTensor t : in) for (long v : t.longs()) o[p++] = v;
                return new ConstTensor[] {ConstTensor.ofLongs(outShapes[0], o)};
            }
            case "Gather" -> {
                int axis = n.attributes().getInt("axis", 0);
                int[] xs = in[0].shape();
                long[] data = in[0].longs();
                long[] idx = in[1].longs();
                int outer = 1, inner = 1;
                for (int i = 0; i < axis; i++) outer *= xs[i];
                for (int i = axis + 1; i < xs.length; i++) inner *= xs[i];
                long[] o = new long[(int) Shapes.size(outShapes[0])];
                int p = 0;
                for (int a = 0; a < outer; a++) {
                    for (long ix : idx) {
                        long k = ix < 0 ? ix + xs[axis] : ix;
                        for (int b = 0; b < inner; b++) o[p++] = data[(int) ((a * (long) xs[axis] + k) * inner + b)];
                    }
                }
                return new ConstTensor[] {ConstTensor.ofLongs(outShapes[0], o)};
            }
            case "Add", "Sub", "Mul", "Div" -> {
                int[] shape = outShapes[0];
                long[] o = new long[(int) Shapes.size(shape)];
                long[] a = in[0].longs(), b = in[1].longs();
                int[] ia = Broadcast.indexMap(in[0].shape(), shape), ib = Broadcast.indexMap(in[1].shape(), shape);
                for (int i = 0; i < o.length; i++) {
                    long x = a[ia[i]], y = b[ib[i]];
                    o[i] = switch (n.opType()) {
                        case "Add" -> x + y;
                        case "Sub" -> x - y;
                        case "Mul" -> x * y;
                        default -> Math.floorDiv(x, y);
                    };
                }
                return new ConstTensor[] {ConstTensor.ofLongs(shape, o)};
            }
            case "Slice" -> {
                int[] st = n.attributes().getInts("starts", null), sp = n.attributes().getInts("steps", null);
                int[] xs = in[0].shape();
                int[] strides = Shapes.strides(xs);
                long[] data = in[0].longs();
                int[] os = outShapes[0];
                long[] o = new long[(int) Shapes.size(os)];
                int[] idx = new int[os.length];
                for (int i = 0; i < o.length; i++) {
                    int off = 0;
                    for (int d = 0; d < os.length; d++) off += (st[d] + idx[d] * sp[d]) * strides[d];
                    o[i] = data[off];
                    for (int d = os.length - 1; d >= 0; d--) {
                        if (++idx[d] < os[d]) break;
                        idx[d] = 0;
                    }
                }
                return new ConstTensor[] {ConstTensor.ofLongs(os, o)};
            }
            case "SparseToDense" -> {
                // TF SparseToDense(indices, output_shape, values, default): scatter values into a filled tensor
                int[] shape = in[1].ints();
                int size = (int) Shapes.size(shape);
                long[] idx = in[0].longs();
                int rank = shape.length;
                int count = rank == 0 ? 0 : idx.length / Math.max(1, rank);
                int[] strides = Shapes.strides(shape);
                boolean asFloat = in[2].type() == dev.demandlayering.runtime.graph.DataType.FLOAT;
                float[] f = new float[size];
                long[] l = new long[size];
                java.util.Arrays.fill(f, in[3].floats()[0]);
                java.util.Arrays.fill(l, in[3].longs()[0]);
                for (int k = 0; k < count; k++) {
                    int off = 0;
                    for (int d = 0; d < rank; d++) off += (int) idx[k * rank + d] * strides[d];
                    int vi = in[2].size() == 1 ? 0 : k;
                    f[off] = in[2].floats()[vi];
                    l[off] = in[2].longs()[vi];
                }
                return new ConstTensor[] {asFloat ? ConstTensor.ofFloats(shape, f) : ConstTensor.ofLongs(shape, l)};
            }
            case "ConstantOfShape" -> {
                int[] shape = in[0].ints();
                ConstTensor v = n.attributes().getTensor("value");
                int size = (int) Shapes.size(shape);
                if (v == null || v.type() == dev.demandlayering.runtime.graph.DataType.FLOAT) {
                    float fill = v == null ? 0f : v.floats()[0];
                    float[] f = new float[size];
                    java.util.Arrays.fill(f, fill);
                    return new ConstTensor[] {ConstTensor.ofFloats(shape, f)};
                }
                long[] l = new long[size];
                java.util.Arrays.fill(l, v.longs()[0]);
                return new ConstTensor[] {ConstTensor.ofLongs(shape, l)};
            }
            default -> throw new IllegalArgumentException(n.opType() + " cannot be evaluated on integer constants at import");
        }
    }
}
