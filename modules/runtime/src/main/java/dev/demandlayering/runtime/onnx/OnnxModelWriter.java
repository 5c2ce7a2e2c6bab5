package dev.demandlayering.runtime.onnx;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.DataType;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a normalised graph as an ONNX model (opset 13; opset 18, IR version 8, when it holds a Mish, the opset
 * that defines it, and whose other operators read these nodes the same): resolved attributes go back to the inputs ONNX
 * expects (Reshape shape, Slice bounds, Resize sizes, Clip bounds, Pad pads, Split sizes). Used to convert
 * TF.js models to ONNX and to check our kernels against other ONNX runtimes on the same weights.
 */
public final class OnnxModelWriter {
    private final Graph g;
    private final ProtoWriter graph = new ProtoWriter();
    private int fresh;

    private OnnxModelWriter(Graph g) {
        this.g = g;
    }

    public static void write(Graph normalized, Path file) throws IOException {
        Files.write(file, new OnnxModelWriter(normalized).model());
    }

    private byte[] model() {
        graph.string(2, g.name());
        for (Node n : g.nodes()) graph.message(1, node(n));
        for (Map.Entry<String, ConstTensor> c : g.constants().entrySet()) graph.message(5, tensor(c.getKey(), c.getValue()));
        g.inputs().forEach((k, v) -> graph.message(11, valueInfo(k, v)));
        for (String o : g.outputs()) graph.message(12, valueInfo(o, g.shape(o)));
        boolean mish = g.nodes().stream().anyMatch(n -> n.opType().equals("Mish"));
        return new ProtoWriter().varint(1, mish ? 8 : 7).string(2, "demand-layering").message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, mish ? 18 : 13)).toByteArray();
    }

    private ProtoWriter node(Node n) {
        Attributes a = n.attributes();
        List<String> ins = new ArrayList<>(n.inputs());
        Attributes out = new Attributes();
        switch (n.opType()) {
            case "Conv", "ConvTranspose" -> {
                for (String k : List.of("kernel_shape", "strides", "pads", "dilations", "group", "output_padding")) if (a.has(k)) out.put(k, a.raw(k));
            }
            case "MaxPool", "AveragePool" -> {
                for (String k : List.of("kernel_shape", "strides", "pads")) out.put(k, a.raw(k));
                if (n.opType().equals("AveragePool")) out.put("count_include_pad", a.getInt("count_include_pad", 0));
                int[] d = a.getInts("dilations", null);
                if (n.opType().equals("MaxPool") && (d[0] != 1 || d[1] != 1)) out.put("dilations", d);
                if (ceilMode(n)) out.put("ceil_mode", 1);
            }
            case "Clip" -> {
                ins.add(scalar(a.getFloat("min", Float.NEGATIVE_INFINITY)));
                ins.add(scalar(a.getFloat("max", Float.POSITIVE_INFINITY)));
            }
            case "Reshape" -> ins.add(longs(a.getLongs("shape", null)));
            case "Resize" -> {
                ins.add("");
                ins.add("");
                ins.add(longs(a.getLongs("sizes", null)));
                for (String k : List.of("mode", "coordinate_transformation_mode", "nearest_mode")) out.put(k, a.raw(k));
            }
            case "Slice" -> {
                int[] st = a.getInts("starts", null), sp = a.getInts("steps", null), sz = a.getInts("sizes", null);
                long[] ends = new long[st.length];
                for (int i = 0; i < st.length; i++) {
                    ends[i] = st[i] + (long) sz[i] * sp[i];
                    if (ends[i] < 0) ends[i] = Long.MIN_VALUE; // "before the first element" for negative steps
                }
                long[] axes = new long[st.length];
                for (int i = 0; i < axes.length; i++) axes[i] = i;
                ins.add(longs(java.util.Arrays.stream(st).asLongStream().toArray()));
                ins.add(longs(ends));
                ins.add(longs(axes));
                ins.add(longs(java.util.Arrays.stream(sp).asLongStream().toArray()));
            }
            case "Split" -> {
                ins.add(longs(a.getLongs("split", null)));
                out.put("axis", a.raw("axis"));
            }
            case "Pad" -> {
                ins.add(longs(a.getLongs("pads", null)));
                ins.add(scalar(a.getFloat("value", 0f)));
                out.put("mode", a.raw("mode"));
            }
            case "Softmax" -> {
                if (a.getInt("coerce", 0) == 1) throw new ModelImportException(n.describe() + ": legacy (opset < 13) Softmax cannot be exported");
                out.put("axis", a.raw("axis"));
            }
            default -> a.asMap().forEach(out::put);
        }
        ProtoWriter w = new ProtoWriter();
        for (String i : ins) w.string(1, i);
        for (String o : n.outputs()) w.string(2, o);
        w.string(3, n.name()).string(4, n.opType());
        out.asMap().forEach((k, v) -> w.message(5, attribute(k, v)));
        return w;
    }

    private boolean ceilMode(Node n) {
        Attributes a = n.attributes();
        int[] x = g.shape(n.input(0)), k = a.getInts("kernel_shape", null), s = a.getInts("strides", null), p = a.getInts("pads", null);
        int[] o = a.getInts("out_spatial", null);
        int h = x.length == 4 ? x[2] : 1, w = x[x.length - 1];
        return o[0] != (h + p[0] + p[2] - k[0]) / s[0] + 1 || o[1] != (w + p[1] + p[3] - k[1]) / s[1] + 1;
    }

    private static ProtoWriter attribute(String name, Object v) {
        ProtoWriter w = new ProtoWriter().string(1, name);
        if (v instanceof Long l) w.varint(3, l).varint(20, 2);
        else if (v instanceof Float f) w.fixed32(2, f).varint(20, 1);
        else if (v instanceof String s) w.string(4, s).varint(20, 3);
        else if (v instanceof long[] l) {
            for (long x : l) w.varint(8, x);
            w.varint(20, 7);
        } else if (v instanceof float[] f) {
            for (float x : f) w.fixed32(7, x);
            w.varint(20, 6);
        }
        return w;
    }

    private String scalar(float v) {
        String n = "export_const_" + (fresh++);
        graph.message(5, tensor(n, ConstTensor.ofFloats(new int[0], new float[] {v})));
        return n;
    }

    private String longs(long[] v) {
        String n = "export_const_" + (fresh++);
        graph.message(5, tensor(n, ConstTensor.ofLongs(new int[] {v.length}, v)));
        return n;
    }

    private static ProtoWriter tensor(String name, ConstTensor t) {
        ProtoWriter w = new ProtoWriter();
        for (int d : t.shape()) w.varint(1, d);
        boolean f = t.type() == DataType.FLOAT;
        w.varint(2, f ? TensorProtos.FLOAT : TensorProtos.INT64).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(t.size() * (f ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        if (f) for (float x : t.floats()) b.putFloat(x);
        else for (long x : t.longs()) b.putLong(x);
        return w.bytes(9, b.array());
    }

    private static ProtoWriter valueInfo(String name, int[] shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int d : shape) dims.message(1, new ProtoWriter().varint(1, d));
        ProtoWriter tensorType = new ProtoWriter().varint(1, TensorProtos.FLOAT).message(2, dims);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
